# ulab's layout: `from ulab import numpy as np`, over ml.ndarray.
