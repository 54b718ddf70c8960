# Frozen modules of the stock qemu firmware (no ml): none.
