import sys

from microml_convert.cli import main

sys.exit(main())
