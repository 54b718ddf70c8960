# Machine learning with OpenMV's `ml` API on the microml runtime.
#
#   model = ml.Model("model.tflite")          # or a buffer, or a built-in model's name
#   scores = model.predict([input_data])[0]    # list of dequantized float ml.ndarrays
#   boxes = model.predict([img], callback=ml.postprocessing.YoloV8())
from _ml import Model, ndarray, builtin_models
from ml import preprocessing, utils, postprocessing
from ml.preprocessing import Normalization  # top level as in OpenMV
