# `tf`: the name of OpenMV's machine-learning module before firmware 4.5.6,
# kept as an alias of `ml` for old scripts.
from ml import *
from ml import Model, ndarray, preprocessing, postprocessing, utils
