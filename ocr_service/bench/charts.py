"""PNG charts of a run summary (matplotlib's object API, no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ocr_service.bench.metrics import BASELINE, PIPELINE

COLORS = {PIPELINE: "#1f77b4", BASELINE: "#ff7f0e"}
DPI = 80


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    return path


def _accuracy(groups: dict[str, Any], keys: list[str]) -> list[float]:
    return [100 * (groups.get(k, {}).get("accuracy") or 0.0) for k in keys]


def accuracy_by_type(summary: dict[str, Any], path: Path) -> Path:
    systems = summary["systems"]
    keys = sorted({k for s in systems.values() for k in s["by_field_type"]})
    fig = Figure(figsize=(9, 3.6))
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(systems))
    for n, (name, data) in enumerate(systems.items()):
        xs = [i + n * width for i in range(len(keys))]
        ax.bar(xs, _accuracy(data["by_field_type"], keys), width, label=name, color=COLORS[name])
    ax.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(keys))], keys)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_ylabel("exact match %")
    ax.set_ylim(0, 100)
    ax.set_title("Accuracy by field type")
    ax.legend()
    return _save(fig, path)


def robustness(summary: dict[str, Any], path: Path) -> Path:
    fig = Figure(figsize=(11, 3.4))
    axes = fig.subplots(1, 3, sharey=True)
    for ax, (key, title) in zip(
        axes,
        (("by_rotation", "rotation (°)"), ("by_skew", "|skew|"), ("by_noise", "noise std")),
        strict=True,
    ):
        for name, data in summary["systems"].items():
            groups = data[key]
            labels = list(groups)
            xs = list(range(len(labels)))
            ax.plot(xs, _accuracy(groups, labels), "o-", label=name, color=COLORS[name])
            ax.set_xticks(xs, labels)
        ax.set_title(f"accuracy vs {title}")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("exact match %")
    axes[0].legend()
    return _save(fig, path)


def reliability(summary: dict[str, Any], path: Path) -> Path:
    fig = Figure(figsize=(5, 4.4))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    for name, data in summary["systems"].items():
        bins = [b for b in data["reliability"]["bins"] if b["count"]]
        xs = [b["mean_confidence"] for b in bins]
        ys = [b["accuracy"] for b in bins]
        ax.plot(xs, ys, "o-", label=f"{name} (ECE {data['reliability']['ece'] or 0:.3f})",
                color=COLORS[name])  # fmt: skip
    ax.set_xlabel("confidence (bin mean)")
    ax.set_ylabel("observed accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Reliability diagram (fields of read pages)")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def speed(summary: dict[str, Any], path: Path) -> Path:
    fig = Figure(figsize=(7, 3.2))
    ax = fig.add_subplot()
    names = [n for n, d in summary["systems"].items() if d["speed"].get("pages")]
    for i, name in enumerate(names):
        left = 0.0
        for stage, seconds in summary["systems"][name]["speed"]["stages_mean"].items():
            ax.barh(i, seconds, left=left, label=f"{name}: {stage}")
            left += seconds
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("mean wall seconds per page by stage (one core)")
    ax.legend(fontsize=7, loc="lower right")
    return _save(fig, path)


def draw_all(summary: dict[str, Any], out: Path) -> list[Path]:
    return [
        accuracy_by_type(summary, out / "accuracy_by_type.png"),
        robustness(summary, out / "robustness.png"),
        reliability(summary, out / "reliability.png"),
        speed(summary, out / "speed.png"),
    ]
