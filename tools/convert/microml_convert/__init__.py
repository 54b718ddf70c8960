"""microml convert: a trained model (ONNX, or Keras/SavedModel through
TensorFlow) to a verified int8 .tflite that microml and TFLM run bit-exactly."""
