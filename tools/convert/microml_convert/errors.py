class ConvertError(Exception):
    """A problem the user can act on; printed as one line, exit status 1."""


def node_error(node, text):
    return ConvertError("node '%s' (%s): %s" % (node.name or node.output[0], node.op_type, text))
