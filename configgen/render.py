"""Render: merged per-device values -> vendor configuration text through Jinja2.

`templates/<vendor>/device.j2` lays out a whole device; each service kind has
`templates/<vendor>/<kind>.j2`, a module with three macros: `head` (objects that must
exist before interfaces refer to them), `interfaces` (the service's own interfaces) and
`tail`. A user's template directory overrides bundled templates file by file.

Every template runs in Jinja2's immutable sandbox: a template (a user's `--templates`
file included) can read the values it is given and nothing else: no `__class__`
walks to Python internals, no environment, no files, no mutation of the values.
"""

from __future__ import annotations

import re
import signal
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, cast

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from configgen import kinds
from configgen.findings import InputError
from configgen.inventory.text import assert_values_safe
from configgen.fileio import write_all_atomic
from configgen.inventory import Inventory
from configgen.platforms import platform_for
from configgen.services import pbx
from configgen.services.device import DeviceConfig
from configgen.services.model import Contribution

# Each `services:` entry is built by its kind's `build` (configgen.kinds).
# Contributions that do not come from `services:` entries (PBX gateways under `vpmn:`):
# each returns (device name, Contribution) pairs.
INVENTORY_WIDE_BUILDERS: list[Callable[[Inventory], Iterable[tuple[str, Contribution]]]] = [
    pbx.contributions,
]


def bundled_template_dir() -> Path:
    packaged = Path(__file__).parent / "_bundled_templates"   # installed wheel
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, remembering its verdict per (type, attribute name): the
    verdict depends on nothing else (names starting with `_`, internal attributes of
    functions, types, frames..., mutating methods of lists/dicts/sets: all decided by the
    object's type and the name), and deciding it again for every attribute read made
    rendering 4x slower (benchmarks/render.py)."""

    _MAX_REMEMBERED = 4096     # a template naming attributes dynamically cannot grow it without bound

    # `*` and `**` can build a gigabyte string or a billion-digit number in one C call that
    # no timer interrupts (`'x' * 10**10`, `7 ** 3000000000`): they are bounded before they
    # run. Intercepted operators are also never folded at compile time.
    # `%` on a text and the width-taking filters and methods can pad a value to gigabytes
    # the same way (`'%9999999999d' % 1`): widths are bounded too.
    intercepted_binops = frozenset({"*", "**", "%"})
    _MAX_NUMBER_BITS = 4096
    _UNBOUNDED_STR_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in self._UNBOUNDED_STR_METHODS:
            return False       # pads to any width; the bounded `format` filter does the job
        return self._remembered_verdict(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 \
                and right * max(abs(left).bit_length(), 1) > self._MAX_NUMBER_BITS:
            raise SecurityError(f"{left} ** {right} is a number too large for a configuration")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and _is_int(times) \
                        and len(sequence) * times > MAX_CONFIG_CHARS:
                    raise SecurityError(f"repeating a value {times} times is more than a configuration holds")
            if _is_int(left) and _is_int(right) and \
                    left.bit_length() + right.bit_length() > self._MAX_NUMBER_BITS:
                raise SecurityError("a product too large for a configuration")
        if operator == "%" and isinstance(left, str):
            _check_widths(left)
        return super().call_binop(context, operator, left, right)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verdicts: dict[tuple[type[Any], str], bool] = {}

    def wrap_str_format(self, value: Any) -> Any:
        # Jinja hands `'{:>20}'.format` to its own sandboxed formatter: bound the widths first.
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_widths(value.__self__)
        return wrapped

    def _remembered_verdict(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value)
            if len(self._verdicts) >= self._MAX_REMEMBERED:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict


# A field width or precision in a format (`%-6s`, `{:>20}`) above this pads nothing a
# router would take: configuration lines are at most a few hundred characters.
_MAX_WIDTH = 10_000
_WIDTHS = re.compile(r"%[-+ #0]*(\d+)(?:\.(\d+))?|\{[^{}]*?:[^{}]*?(\d+)(?:\.(\d+))?[^{}]*\}")


def _check_widths(text: str) -> None:
    for match in _WIDTHS.finditer(text):
        if any(group and int(group) > _MAX_WIDTH for group in match.groups()):
            raise SecurityError(f"a format width above {_MAX_WIDTH:,} ({match.group(0)[:40]})")


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_widths(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


def _bounded_width(original: Callable[..., str]) -> Callable[..., str]:
    def bounded(value: Any, width: Any = 80, *args: Any, **kwargs: Any) -> str:
        if _is_int(width) and width > _MAX_WIDTH:
            raise SecurityError(f"a width above {_MAX_WIDTH:,}")
        return original(value, width, *args, **kwargs)
    return bounded


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def make_environment(template_dir: str | Path | None = None) -> jinja2.Environment:
    """Sandboxed Jinja2 environment: the user's directory first, then the bundled templates."""
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise InputError(f"--templates {template_dir}: "
                             + ("not a directory" if Path(template_dir).exists() else "no such directory"))
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FileSystemLoader(str(bundled_template_dir())))
    # A kind registered from outside configgen may bring its own templates (configgen.kinds).
    loaders += [jinja2.FileSystemLoader(str(kind.template_dir)) for kind in kinds.loaded() if kind.template_dir]
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,   # a misspelt value is an error, never an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,                   # CLI text, not HTML; values are checked instead
        # Templates do not change during a run: without this every `{% import %}` (three
        # per service section) stats the file again to see whether it must be reloaded.
        auto_reload=False,
    )
    env.filters["format"] = _bounded_format
    for name in ("center", "indent"):   # the filters that pad to a width
        env.filters[name] = _bounded_width(env.filters[name])
    return env


def build_device_configs(inventory: Inventory, only: Collection[str] | None = None) -> dict[str, DeviceConfig]:
    """Merge every service's contribution into one DeviceConfig per device (only the
    devices named in `only`, when given). Expects a validated inventory (render refuses
    to run otherwise)."""
    configs: dict[str, DeviceConfig] = {}

    def config_for(name: str) -> DeviceConfig:
        if name not in configs:
            device = inventory.devices[name]
            configs[name] = DeviceConfig(name=name, hostname=device.hostname or name, platform=platform_for(device))
        return configs[name]

    for service in inventory.services:
        if only is not None and service.device not in only:
            continue
        config = config_for(service.device)
        contribution = kinds.of(service).build(service, inventory.devices[service.device], config.platform, inventory)
        contribution.owner = service.name
        config.add(contribution)
    for builder in INVENTORY_WIDE_BUILDERS:
        for device_name, contribution in builder(inventory):
            if only is None or device_name in only:
                config_for(device_name).add(contribution)
    return configs


class TemplateFailure(jinja2.TemplateRuntimeError):
    """A template raised a Python error while rendering (a division by zero, a wrong
    type): the template's file and line, never a traceback."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        super().__init__(_located(file, line, reason))
        self.file, self.line, self.reason = file, line, reason


def _located(file: str, line: int | None, reason: str) -> str:
    return f"{file}:{line}: {reason}" if line else f"{file}: {reason}"


def template_location(exc: BaseException) -> tuple[str, int | None]:
    """Where a rendering error happened: (template file, line) of its innermost template frame."""
    if hasattr(exc, "file") and hasattr(exc, "reason"):
        located = cast(Any, exc)     # TemplateFailure, or an error render_device located
        return located.file, located.line
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return (frames[-1].filename, frames[-1].lineno) if frames else ("<templates>", None)


# Bounds on one device's rendering. A bundled template renders a device in milliseconds
# and a few KB per service; a `--templates` file (which `check` runs in CI on merge
# requests) must not hang a command or fill memory with a loop that never ends.
RENDER_SECONDS = 30
MAX_CONFIG_CHARS = 16_000_000


class _OutOfTime(Exception):
    # An Exception, so that Jinja maps the traceback to the template's line; the timer
    # repeats, so code that swallows one (an `except Exception`) meets the next.
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in the rendering code after `seconds` (main thread only: a signal
    timer; elsewhere, e.g. a library caller's worker thread, no deadline applies)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_device(config: DeviceConfig, env: jinja2.Environment) -> str:
    """One device's configuration. A template that fails at run time raises a Jinja2
    TemplateRuntimeError whose text starts with the template's file and line (and with
    `file`, `line`, `reason` attributes): Jinja's own errors keep their type (an undefined
    value, a sandbox SecurityError), Python errors become TemplateFailure, and so does a
    template that runs longer than RENDER_SECONDS or writes more than MAX_CONFIG_CHARS."""
    assert_values_safe(config, config.name)
    template = env.get_template(f"{config.platform.render.template_dir}/device.j2")
    try:
        with _deadline(RENDER_SECONDS):
            parts, size = [], 0
            for part in template.generate(device=config):
                size += len(part)
                if size > MAX_CONFIG_CHARS:
                    raise OverflowError(f"the templates wrote more than {MAX_CONFIG_CHARS:,} characters for one "
                                        "device (a loop that repeats without end?)")
                parts.append(part)
            return "".join(parts)
    except jinja2.TemplateSyntaxError:
        raise                              # already names its file and line
    except jinja2.TemplateRuntimeError as exc:
        file, line = template_location(exc)
        located = cast(Any, exc)     # Jinja's error keeps its type and gains where it happened
        located.file, located.line, located.reason = file, line, str(exc).rstrip(".")
        exc.args = (_located(file, line, located.reason),)
        raise
    except _OutOfTime as exc:
        file, line = template_location(exc)
        raise TemplateFailure(file, line, f"the templates ran for more than {RENDER_SECONDS} s for one device "
                                          "(a loop that does not end?)") from None
    except Exception as exc:  # noqa: BLE001 - Python errors raised inside a template
        file, line = template_location(exc)
        raise TemplateFailure(file, line, f"{type(exc).__name__}: {exc}") from None


class RenderedConfig(str):
    """A device's configuration text that also carries what render knows about it and
    push needs (configgen.push.ownership): the route labels and the owners (services,
    PBXs) rendered into it. Text everywhere else: written, compared, printed as is."""

    route_labels: frozenset[str]
    owners: frozenset[str]

    def __new__(cls, text: str, route_labels: Iterable[str] = (), owners: Iterable[str] = ()) -> RenderedConfig:
        rendered = super().__new__(cls, text)
        rendered.route_labels, rendered.owners = frozenset(route_labels), frozenset(owners)
        return rendered


def render_inventory(inventory: Inventory, template_dir: str | Path | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     only: Collection[str] | None = None) -> dict[str, str]:
    """Device name -> configuration text, for every device that carries a service
    (or only those named in `only`). `progress(done, total)` after each device. Each
    text is a `RenderedConfig`: push reads the route labels and owners it carries."""
    env = make_environment(template_dir)
    configs = sorted(build_device_configs(inventory, only).items())
    rendered: dict[str, str] = {}
    for done, (name, config) in enumerate(configs, 1):
        rendered[name] = RenderedConfig(render_device(config, env), config.route_labels, config.owners)
        if progress:
            progress(done, len(configs))
    return rendered


def write_configs(rendered: dict[str, str], out_dir: str | Path, payloads: dict[str, str] | None = None) -> list[Path]:
    """Write `<device>.cfg` files, and `<device>.xml` (NETCONF payloads) for `payloads`, all
    or nothing (configgen.fileio.write_all_atomic): a failure leaves the output directory as
    it was, never half old and half new."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {out / f"{name}.cfg": text for name, text in rendered.items()}
    files.update({out / f"{name}.xml": text for name, text in (payloads or {}).items()})
    return write_all_atomic(files)
