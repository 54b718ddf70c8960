# Frozen modules of the qemu firmware: the ml package.
include("manifest_ml.py")
