"""`ebrain worker` with a defect planted for one input: the playbook lifecycle raises on any signal whose id ends
in FAULT_MARK (a valid input, as far as the contract goes). Run as `python -m tests.integration.failing_worker
<worker arguments>`; used by test_failed_input.py to see containment on real Kafka."""

from __future__ import annotations

import sys
from typing import Any

from ebrain import cli
from playbooks import lifecycle

FAULT_MARK = "-FAULT"
_evaluate = lifecycle.evaluate


def _faulty(incident: Any, playbook: Any, trigger: Any, *args: Any) -> Any:
    if trigger is not None and trigger.signal_id.endswith(FAULT_MARK):
        raise StopIteration  # the defect of issue 22: it stopped the whole stage
    return _evaluate(incident, playbook, trigger, *args)


if __name__ == "__main__":
    lifecycle.evaluate = _faulty  # type: ignore[assignment]
    sys.exit(cli.main(sys.argv[1:]))
