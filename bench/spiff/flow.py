"""The 10-step ordinary case flow of `fazhi bench cases`, in SpiffWorkflow.

For reference only (issue 6): a general-purpose BPMN engine running the same
ten steps, persisting the serialized workflow after every step in one SQLite
transaction — as Fazhi persists the case and its event — against raw inserts
of one row per transaction in the same run. No law is checked here: the
engine only moves tokens, which is what the ratio compares.

Run: scripts/bench-spiff (creates a venv with the pinned SpiffWorkflow).
"""
import json, os, sqlite3, sys, tempfile, time

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

CASES = int(os.environ.get("CASES", "60"))
STEPS = 10

here = os.path.dirname(os.path.abspath(__file__))
parser = BpmnParser()
parser.add_bpmn_file(os.path.join(here, "penalty_case.bpmn"))
spec = parser.get_spec("penalty_case")
serializer = BpmnWorkflowSerializer()

db_path = os.path.join(tempfile.mkdtemp(), "spiff.db")
db = sqlite3.connect(db_path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
db.execute("CREATE TABLE workflows (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL)")

total = CASES * STEPS
start = time.perf_counter()
for i in range(total):
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO raw (id, payload) VALUES (?, ?)", (i + 1, json.dumps({"case": i, "step": "filing"})))
    db.execute("COMMIT")
raw_rate = total / (time.perf_counter() - start)

start = time.perf_counter()
for case in range(CASES):
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    db.execute("INSERT INTO workflows (id, version, state) VALUES (?, 0, ?)", (case + 1, serializer.serialize_json(wf)))
    for step in range(STEPS):
        ready = wf.get_tasks(state=TaskState.READY)
        ready[0].run()
        wf.do_engine_steps()
        db.execute("BEGIN IMMEDIATE")
        n = db.execute(
            "UPDATE workflows SET state = ?, version = version + 1 WHERE id = ? AND version = ?",
            (serializer.serialize_json(wf), case + 1, step),
        ).rowcount
        assert n == 1
        db.execute("COMMIT")
    assert wf.is_completed()
step_rate = total / (time.perf_counter() - start)

import importlib.metadata as md
print(json.dumps({"name": "cases.raw_insert.python_sqlite", "unit": "rows/s", "value": round(raw_rate, 2)}))
print(json.dumps({"name": "cases.transition.spiffworkflow_" + md.version("SpiffWorkflow"), "unit": "steps/s",
                  "value": round(step_rate, 2), "baseline": round(raw_rate, 2), "ratio": round(step_rate / raw_rate, 3)}))
