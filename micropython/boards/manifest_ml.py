# The `ml` package (with its `tf` alias), frozen as bytecode.
package("ml", base_path="../lib")
package("ulab", base_path="../lib")
module("tf.py", base_path="../lib")
