import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.dirname(HERE)
REPO = os.path.normpath(os.path.join(KIT, "..", ".."))
sys.path.insert(0, KIT)
FRAME_MD = os.path.join(REPO, "fpga-bridge", "FRAME.md")


def worked_example(name: str) -> bytes:
    """The bytes of a ```hex <name> block of FRAME.md."""
    with open(FRAME_MD, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"```hex " + re.escape(name) + r"\n(.*?)```", text, re.S)
    if m is None:
        raise AssertionError(f"FRAME.md has no hex block {name}")
    return bytes.fromhex(m.group(1))
