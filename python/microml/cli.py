"""The `microml` command of the Python package."""

from __future__ import annotations

import argparse
import json
import sys

from . import Model, __version__


def _inspect(args) -> int:
    print(json.dumps(Model(args.model).inspect(), indent=1))
    return 0


def _convert(args) -> int:
    # The converter is its own package (tools/convert); this command forwards to it.
    try:
        from microml_convert import cli as convert_cli
    except ImportError:
        print("microml convert: the microml_convert package is not installed "
              "(pip install tools/convert)", file=sys.stderr)
        return 1
    return convert_cli.main(args.rest)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="microml", description="microml inference runtime")
    parser.add_argument("--version", action="version", version=f"microml {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="print a model's inputs, outputs and arena size as JSON")
    p.add_argument("model")
    p.set_defaults(run=_inspect)
    p = sub.add_parser("convert", help="convert a model (the microml_convert package)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(run=_convert)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError) as e:
        print(f"microml: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
