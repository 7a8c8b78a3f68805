"""Precision and recall of the risk detector on the labelled set (app/risk/labelled.yml).

    python -m app.risk.measure

A line counts as found when the detector gives it any risk level; "level right" means at
most one step below the labelled level (a crisis line flagged as only "low" would not move
it up the queue enough)."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.risk.detector import LEVELS, default_detector

LABELLED = Path(__file__).with_name("labelled.yml")


def measure(path: Path = LABELLED) -> dict:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    detector = default_detector()
    result: dict = {}
    for lang in ("all", "nl", "en"):
        chosen = [r for r in rows if lang == "all" or r["lang"] == lang]
        tp = fp = fn = tn = level_ok = 0
        for row in chosen:
            found = detector.detect(row["text"])
            risky = row["level"] != "none"
            if risky and found.is_risk:
                tp += 1
                level_ok += LEVELS.index(found.level) >= LEVELS.index(row["level"]) - 1
            elif risky:
                fn += 1
            elif found.is_risk:
                fp += 1
            else:
                tn += 1
        result[lang] = {"lines": len(chosen), "risk": tp + fn, "no_risk": fp + tn, "found": tp, "missed": fn,
                        "false_alarms": fp, "precision": tp / (tp + fp) if tp + fp else 1.0,
                        "recall": tp / (tp + fn) if tp + fn else 1.0, "level_right": level_ok}
    return result


def main() -> None:
    for lang, r in measure().items():
        print(f"{lang:>3}: {r['lines']} lines ({r['risk']} with risk, {r['no_risk']} without): "
              f"found {r['found']}, missed {r['missed']}, false alarms {r['false_alarms']}; "
              f"precision {r['precision']:.3f}, recall {r['recall']:.3f}; level right {r['level_right']}/{r['found']}")


if __name__ == "__main__":
    main()
