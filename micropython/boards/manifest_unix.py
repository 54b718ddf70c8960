# Frozen modules of the unix build: the port's asyncio (the standard variant's
# micropython-lib packages are not in Debian's source) and the ml package.
include("$(MPY_DIR)/extmod/asyncio")
include("manifest_ml.py")
