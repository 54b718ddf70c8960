"""Board profiles for --board: a name below, or "ram=512K,flash=2M". The
figures are the chips' SRAM and flash; the model's arena and bytes must fit
beside the firmware, which this check does not count."""
import re

from .errors import ConvertError

PROFILES = {
    "openmv-h7": {"ram": 1024 << 10, "flash": 2 << 20},
    "openmv-h7-plus": {"ram": 32 << 20, "flash": 32 << 20},
    "rp2040": {"ram": 264 << 10, "flash": 2 << 20},
    "esp32": {"ram": 520 << 10, "flash": 4 << 20},
    "nrf52840": {"ram": 256 << 10, "flash": 1 << 20},
    "stm32f746": {"ram": 320 << 10, "flash": 1 << 20},
    "cortex-m0plus-32k": {"ram": 32 << 10, "flash": 256 << 10},
}
UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "M": 1 << 20, "MB": 1 << 20}


def parse(text):
    """{"name", "ram", "flash"} from a profile name or ram=..,flash=.."""
    if text in PROFILES:
        return dict(PROFILES[text], name=text)
    board = {"name": text}
    for part in text.split(","):
        m = re.fullmatch(r"\s*(ram|flash)\s*=\s*(\d+)\s*([A-Za-z]*)\s*", part)
        if not m or m.group(3).upper() not in UNITS:
            raise ConvertError("--board %s: give a profile (%s) or ram=SIZE,flash=SIZE with SIZE like "
                               "512K or 2M" % (text, ", ".join(sorted(PROFILES))))
        board[m.group(1)] = int(m.group(2)) * UNITS[m.group(3).upper()]
    return board


def fit(board, arena_bytes, model_bytes):
    """{"ram_fits": bool, "flash_fits": bool, "fits": bool} for what the board states."""
    result = {}
    if "ram" in board:
        result["ram_fits"] = arena_bytes is not None and arena_bytes <= board["ram"]
    if "flash" in board:
        result["flash_fits"] = model_bytes <= board["flash"]
    result["fits"] = all(result.values())
    return result
