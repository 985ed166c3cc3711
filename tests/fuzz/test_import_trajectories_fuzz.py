"""import trajectories on arbitrary text: a model (exit 0) or one line on stderr (exit 2), never a traceback."""

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sc_symbolic.cli import main

values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["s", "u", "G", "0.1", "1/0", "nan",
                                                                                  "", "x" * 300]),
                   st.floats(allow_nan=True), st.lists(st.integers(), max_size=2))
keys = st.sampled_from(["episode", "t", "state", "action", "reward", "next_state", "done", "success", "other"])
lines = st.lists(st.one_of(st.dictionaries(keys, values, max_size=9).map(json.dumps),
                           st.text(max_size=30)), max_size=8)


@settings(deadline=None)
@given(lines)
def test_arbitrary_lines_are_a_model_or_one_line_exit_2(text_lines):
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "e.jsonl"
        path.write_text("\n".join(text_lines) + "\n")
        with redirect_stdout(out), redirect_stderr(err):
            status = main(["import", "trajectories", str(path)])
    assert status in (0, 2)
    if status == 2:
        assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("error: "), err.getvalue()
    else:
        assert json.loads(out.getvalue())["format"] == "sc-symbolic/mdp-1"
