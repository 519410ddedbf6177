"""Explore app, the web side: a tornado server on 127.0.0.1 serving the page, its scripts and a small JSON API.

Routes: ``GET /`` the page; ``GET /static/…`` its script and style (shipped in the package, no
CDN); ``GET /font/cjk`` the report's CJK font; ``GET /api/config`` levers, goals, words and the
plan's and baseline's answers; ``POST /api/evaluate`` ``{tab, values}`` → goal rows and fans;
``POST /api/save`` ``{tab, name, values}`` → the saved, validated scenario file; ``POST
/api/report`` ``{tab}`` → batch + report of the tab's saved file. Each page load makes its own tab
id; the server keeps per tab only its last lever values and saved file (:class:`Tabs`), so tabs
never see each other's state. Model runs go to a worker thread (the page stays served while one
runs). Ctrl-C (SIGINT) or SIGTERM stops the server cleanly.
"""

from __future__ import annotations

import asyncio
import json
import math
import signal
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tornado.httpserver
import tornado.netutil
import tornado.web

from explore import saving
from explore.text import page_strings
from simulator.errors import SimulatorError

STATIC = Path(__file__).parent / "static"

#: Tabs remembered at most (the oldest is forgotten first).
MAX_TABS = 200


class Tabs:
    """Per-tab state: ``{tab id: {"values": {lever: value}, "saved": path or None}}``, thread-safe, bounded."""

    def __init__(self, limit: int = MAX_TABS):
        self._tabs: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit

    def get(self, tab: str) -> dict:
        with self._lock:
            state = self._tabs.pop(tab, None) or {"values": {}, "saved": None}
            self._tabs[tab] = state
            while len(self._tabs) > self.limit:
                self._tabs.popitem(last=False)
            return state

    def update(self, tab: str, **changes) -> dict:
        state = self.get(tab)
        with self._lock:
            state.update(changes)
            return dict(state)


def clean(value):
    """``value`` with NaN/inf floats as None (JSON has no NaN) and numpy numbers as Python numbers."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def answer_json(explorer, answer, lang: str) -> dict:
    return {"goals": explorer.goal_rows(answer, lang), "fans": answer.fans, "times": answer.times,
            "ms": round(answer.seconds * 1000), "moved": answer.moved, "n": explorer.n}


class _Handler(tornado.web.RequestHandler):
    def initialize(self, app_state):
        self.state = app_state

    def check_xsrf_cookie(self):       # a local app; the JSON API takes no cookies
        return None

    def prepare(self):
        """Answer only this machine's own pages: the Host must be 127.0.0.1/localhost (no DNS rebinding) and a POST
        must be JSON (another site's page cannot send that without a CORS preflight, which this app never grants)."""
        if self.request.host_name not in ("127.0.0.1", "localhost"):
            raise tornado.web.HTTPError(403, reason="explore answers on 127.0.0.1 only")
        if self.request.method == "POST" and not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise tornado.web.HTTPError(415, reason="send JSON (Content-Type: application/json)")

    def body(self) -> dict:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, reason="the request body is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("tab", ""), str):
            raise tornado.web.HTTPError(400, reason="send a JSON object with a tab id")
        return data

    def lever_values(self, data: dict, default=None) -> dict:
        """``data["values"]`` checked: ``{lever name: number or null}`` (``default`` when absent)."""
        values = data.get("values", default)
        if values is None:
            return {}
        if not isinstance(values, dict) or not all(v is None or (isinstance(v, (int, float)) and math.isfinite(v))
                                                   for v in values.values()):
            raise tornado.web.HTTPError(400, reason="values must map lever names to finite numbers or null")
        return values

    def reply(self, data: dict) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(clean(data), ensure_ascii=False))

    async def in_worker(self, function, *args):
        """Run ``function(*args)`` on the worker thread; a SimulatorError becomes ``{"error": "Error: …"}``."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self.state["pool"], function, *args)
        except SimulatorError as err:
            return {"error": f"Error: {err}"}


class PageHandler(_Handler):
    def get(self):
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page.replace("{{lang}}", self.state["lang"]).replace("{{title}}", page_strings(self.state["lang"])["title"]))


class FontHandler(tornado.web.StaticFileHandler):
    """The report's CJK font (Noto Sans CJK SC from mplfonts, reports/fonts.py), so the page renders Chinese with no
    system font and nothing fetched from outside."""

    @classmethod
    def get_absolute_path(cls, root, path):
        from reports import fonts

        return str(fonts.CJK_FONT_FILE)

    def validate_absolute_path(self, root, absolute_path):
        return absolute_path


class NoIconHandler(tornado.web.RequestHandler):
    def get(self):
        self.set_status(204)


class ConfigHandler(_Handler):
    def get(self):
        from reports.labels import pick

        explorer, lang = self.state["explorer"], self.state["lang"]
        plan = explorer.scenario.plan
        base = explorer.base_answer
        self.reply({
            "lang": lang, "strings": page_strings(lang),
            "region": pick(plan.name, lang) if plan is not None else explorer.scenario.region,
            "scenario": str(explorer.path), "baseline": str(explorer.baseline_path or ""),
            "n": explorer.n, "seed": explorer.seed,
            "levers": [lever.as_json(lang) for lever in explorer.levers],
            "plan": answer_json(explorer, explorer.plan_answer, lang),
            "base": answer_json(explorer, base, lang) if base is not None else None,
        })


class EvaluateHandler(_Handler):
    async def post(self):
        data = self.body()
        values = self.lever_values(data)
        explorer, lang = self.state["explorer"], self.state["lang"]
        self.state["tabs"].update(data.get("tab", ""), values=dict(values))
        result = await self.in_worker(lambda: answer_json(explorer, explorer.evaluate(values), lang))
        self.reply(result)


class SaveHandler(_Handler):
    async def post(self):
        data = self.body()
        tab = data.get("tab", "")
        # the page sends the values it shows; without them, the tab's last evaluated values
        values = self.lever_values(data, default=self.state["tabs"].get(tab)["values"])
        explorer = self.state["explorer"]

        def save():
            path = saving.save_scenario(explorer, values, str(data.get("name", "")), self.state["save_dir"])
            self.state["tabs"].update(tab, saved=str(path))
            return {"path": str(path)}

        self.reply(await self.in_worker(save))


class ReportHandler(_Handler):
    async def post(self):
        data = self.body()
        saved = self.state["tabs"].get(data.get("tab", ""))["saved"]
        if not saved:
            self.reply({"error": page_strings(self.state["lang"])["save_first"]})
            return
        explorer = self.state["explorer"]
        files = await self.in_worker(saving.report_scenario, saved, explorer.n, explorer.seed, self.state["lang"])
        self.reply(files if isinstance(files, dict) else {"files": files})


def make_app(explorer, lang: str = "zh", save_dir=None) -> tornado.web.Application:
    """The tornado application over one :class:`explore.session.Explorer`, and its shared state (tabs, worker pool)."""
    state = {"explorer": explorer, "lang": lang, "tabs": Tabs(), "save_dir": save_dir,
             "pool": ThreadPoolExecutor(max_workers=2, thread_name_prefix="explore")}
    args = {"app_state": state}
    return tornado.web.Application([
        (r"/", PageHandler, args),
        (r"/api/config", ConfigHandler, args),
        (r"/api/evaluate", EvaluateHandler, args),
        (r"/api/save", SaveHandler, args),
        (r"/api/report", ReportHandler, args),
        (r"/static/(.*)", tornado.web.StaticFileHandler, {"path": str(STATIC)}),
        (r"/font/(cjk)", FontHandler, {"path": str(STATIC)}),
        (r"/favicon.ico", NoIconHandler),
    ]), state


def bind(port: int) -> list:
    """Listening sockets on 127.0.0.1:``port`` (0: any free port); taken before the model loads, so a busy port fails fast.

    Raises
    ------
    BatchOptionError
        The port is in use or not allowed.
    """
    from simulator.errors import BatchOptionError

    try:
        return tornado.netutil.bind_sockets(port, address="127.0.0.1")
    except OSError as err:
        raise BatchOptionError(f"--port {port}: cannot listen on 127.0.0.1:{port} ({err.strerror or err}); "
                               f"choose another --port, or --port 0 for any free one") from None


def serve(explorer, sockets: list, lang: str = "zh", save_dir=None, echo=print) -> None:
    """Serve the app on ``sockets`` (from :func:`bind`) until Ctrl-C or SIGTERM; prints the address first."""
    asyncio.run(_serve(explorer, sockets, lang, save_dir, echo))


async def _serve(explorer, sockets, lang, save_dir, echo):
    app, state = make_app(explorer, lang, save_dir)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    echo(f"explore: http://127.0.0.1:{sockets[0].getsockname()[1]}/ (Ctrl-C stops)")
    try:
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        state["pool"].shutdown(wait=False, cancel_futures=True)
        echo("explore: stopped")
