"""Ctrl-C: one line on stderr, exit status 130, no traceback, no worker left behind (docs/cli.md)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_is_one_line_and_status_130(tmp_path, workers):
    process = subprocess.Popen(
        [sys.executable, "-m", "sc_symbolic.cli", "search", "identity-violation", "--max-states", "6",
         "--max-denominator", "100", "--max-reward", "100", "--budget", "100000000", "--workers", workers,
         "--out", str(tmp_path), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(2.5)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole process group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == "interrupted\n" and out == ""
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the group is left
