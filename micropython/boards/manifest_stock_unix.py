# Frozen modules of the stock unix build (no ml): the port's asyncio.
include("$(MPY_DIR)/extmod/asyncio")
