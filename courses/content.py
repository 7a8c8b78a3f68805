"""The course files: courses, modules, lessons, quizzes, assignments and calibration transcripts.

Flask-free. `load_courses(root)` reads every `courses/content/<course>/` folder and either
returns the courses or raises `ContentErrors`, every problem named `file:line`. The formats are
described in docs/content-formats.md; `flask courses check` and `flask courses load` use this.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from app.assessment.rubric import RUBRIC_DIR, Rubric, load_rubric
from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

CONTENT_DIR = Path(__file__).parent / "content"
ORGANISATIONS_DIR = Path(__file__).resolve().parent.parent / "live_help" / "content" / "organisations"
LANGUAGES = ("nl", "en")
CERTIFICATE_TYPES = ("counsellor", "trainer")
DIMENSIONS = ("cultural_empathy", "open_mindedness", "social_initiative", "emotional_stability",
              "flexibility")
QUESTION_TYPES = ("single", "multiple", "truefalse", "ordering", "short")
RISK_LEVELS = ("low", "medium", "high", "acute")
MIN_QUESTIONS = 8
LESSON_WORDS = (400, 900)
PRACTISE_HEADING = {"nl": "## Oefenen", "en": "## Practise"}
SHARED_RUN = 12  # no two lessons may share a run of more than this many identical words
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
ORG_REF = re.compile(r"\[\[org:([a-z0-9-]+)\]\]")


# --- the shapes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    key: str
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    prompt: dict[str, str]
    feedback: dict[str, str]
    options: tuple[Option, ...] = ()
    correct: Any = None  # single: key; multiple/ordering: tuple of keys; truefalse: bool
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # short answers

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Quiz:
    max_attempts: int
    questions: tuple[Question, ...]
    path: str = ""

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


@dataclass(frozen=True)
class Lesson:
    key: str
    title: dict[str, str]
    minutes: int
    suggested_for: tuple[str, ...]
    body: dict[str, str]  # Markdown per language
    paths: dict[str, str]

    @property
    def digest(self) -> str:
        """Changes whenever either language's text changes (progress is kept on the key)."""
        text = "\n\x00\n".join(self.body[lang] for lang in LANGUAGES)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Assignment:
    key: str
    title: dict[str, str]
    prompt: dict[str, str]
    guidance: dict[str, str]


@dataclass(frozen=True)
class Module:
    key: str
    folder: str
    number: int
    title: dict[str, str]
    summary: dict[str, str]
    lessons: tuple[Lesson, ...]
    assignments: tuple[Assignment, ...]
    quiz: Quiz | None

    def lesson(self, key: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)

    def assignment(self, key: str) -> Assignment | None:
        return next((a for a in self.assignments if a.key == key), None)


@dataclass(frozen=True)
class ChatLine:
    speaker: str  # youth | counsellor
    text: str
    translation: str


@dataclass(frozen=True)
class Reference:
    score: int
    reason: dict[str, str]


@dataclass(frozen=True)
class CalibrationTranscript:
    key: str
    title: dict[str, str]
    risk: str
    rubric: str
    lines: tuple[ChatLine, ...]
    reference: dict[str, Reference]

    @property
    def reference_scores(self) -> dict[str, int]:
        return {key: ref.score for key, ref in self.reference.items()}


@dataclass(frozen=True)
class Course:
    key: str
    title: dict[str, str]
    description: dict[str, str]
    audience: dict[str, str]
    certificate: str
    quiz_pass_mark: int
    assignments_approved: bool
    modules: tuple[Module, ...]
    calibration: tuple[CalibrationTranscript, ...] = ()

    def module(self, key: str) -> Module | None:
        return next((m for m in self.modules if m.key == key), None)

    def transcript(self, key: str) -> CalibrationTranscript | None:
        return next((t for t in self.calibration if t.key == key), None)

    @property
    def lessons(self) -> list[tuple[Module, Lesson]]:
        return [(module, lesson) for module in self.modules for lesson in module.lessons]


# --- helpers -------------------------------------------------------------------------------
def count_words(markdown: str) -> int:
    """Words of a lesson as a reader sees them: markup, link targets and references left out."""
    return len(words_of(markdown))


def words_of(markdown: str) -> list[str]:
    text = ORG_REF.sub(" ", markdown)
    text = re.sub(r"\]\([^)]*\)", " ", text)  # link targets
    text = re.sub(r"[#>*_`\[\]|]", " ", text)
    return [w for w in (re.sub(r"^\W+|\W+$", "", token.lower()) for token in text.split()) if w]


def normalise_answer(text: str) -> str:
    """Case, accents and spaces do not matter in a short answer ("Véilig  Thuis " = "veilig thuis")."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"[^\w\s-]", " ", plain)
    return " ".join(plain.split())


def _text_lines(path: Path) -> tuple[str, list[ContentError]]:
    try:
        return path.read_text(encoding="utf-8"), []
    except (OSError, UnicodeDecodeError) as error:
        return "", [ContentError(path, f"cannot read: {error}")]


def load_organisations(directory: Path = ORGANISATIONS_DIR) -> dict[str, dict]:
    """The organisations live_help keeps, read straight from its files: key -> name, website."""
    found: dict[str, dict] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.yml")):
        for item in load_yaml(path) or []:
            if isinstance(item, dict) and item.get("key"):
                found[str(item["key"])] = {"name": str(item.get("name") or item["key"]),
                                           "website": str(item.get("website") or ""),
                                           "phone": str(item.get("phone") or "")}
    return found


# --- loading -------------------------------------------------------------------------------
class _Reader:
    """Collects every problem in one pass, so a reviewer sees them all at once."""

    def __init__(self, organisations: dict[str, dict], rubrics_dir: Path) -> None:
        self.errors: list[ContentError] = []
        self.organisations = organisations
        self.rubrics_dir = rubrics_dir
        self._rubrics: dict[str, Rubric | None] = {}

    def error(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.errors.append(ContentError(path, message, line))

    def text(self, data: Any, key: str, path: Path, *, required: bool = True) -> dict[str, str]:
        return bilingual(data, key, path, required=required, errors=self.errors)

    def rubric(self, key: str) -> Rubric | None:
        if key not in self._rubrics:
            path = self.rubrics_dir / f"{key}.yml"
            try:
                self._rubrics[key] = load_rubric(path) if path.exists() else None
            except (ContentError, ContentErrors):
                self._rubrics[key] = None
        return self._rubrics[key]

    # -- course ---------------------------------------------------------------------------
    def course(self, folder: Path) -> Course | None:
        path = folder / "course.yml"
        if not path.exists():
            self.error(folder, "a course folder needs a course.yml")
            return None
        try:
            data = load_yaml(path)
        except ContentError as error:
            self.errors.append(error)
            return None
        if not isinstance(data, dict):
            self.error(path, "course.yml is a mapping with key, title, description, audience, pass and modules", 1)
            return None
        key = str(data.get("key") or "")
        if key != folder.name:
            self.error(path, f"key {key!r} must be the folder name {folder.name!r}", line_of(data))
        certificate = str(data.get("certificate") or "")
        if certificate not in CERTIFICATE_TYPES:
            self.error(path, f"certificate must be one of {', '.join(CERTIFICATE_TYPES)}", line_of(data))
        rules = data.get("pass")
        pass_mark, approved = 70, True
        if not isinstance(rules, dict):
            self.error(path, "'pass' needs quiz_pass_mark and assignments_approved", line_of(data))
        else:
            pass_mark = rules.get("quiz_pass_mark")
            if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 0 < pass_mark <= 100:
                self.error(path, "quiz_pass_mark must be a whole percentage from 1 to 100", line_of(rules))
                pass_mark = 70
            approved = rules.get("assignments_approved", True)
            if not isinstance(approved, bool):
                self.error(path, "assignments_approved must be true or false", line_of(rules))
                approved = True
        modules: list[Module] = []
        listed = data.get("modules")
        if not isinstance(listed, list) or not listed:
            self.error(path, "'modules' must list the module folders in order", line_of(data))
            listed = []
        seen_keys: set[str] = set()
        for number, name in enumerate(listed, start=1):
            module_dir = folder / str(name)
            if not module_dir.is_dir():
                self.error(path, f"module folder {name!r} does not exist", line_of(listed))
                continue
            module = self.module(module_dir, number)
            if module is None:
                continue
            if module.key in seen_keys:
                self.error(module_dir / "module.yml", f"module key {module.key!r} is used twice")
            seen_keys.add(module.key)
            modules.append(module)
        for extra in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "calibration"):
            if extra.name not in [str(n) for n in listed]:
                self.error(extra, "this module folder is not listed under 'modules' in course.yml")
        calibration = self.calibration(folder / "calibration") if (folder / "calibration").is_dir() else ()
        return Course(
            key=key or folder.name, title=self.text(data, "title", path),
            description=self.text(data, "description", path), audience=self.text(data, "audience", path),
            certificate=certificate, quiz_pass_mark=int(pass_mark), assignments_approved=bool(approved),
            modules=tuple(modules), calibration=calibration,
        )

    # -- module ---------------------------------------------------------------------------
    def module(self, folder: Path, number: int) -> Module | None:
        path = folder / "module.yml"
        if not path.exists():
            self.error(folder, "a module folder needs a module.yml")
            return None
        try:
            data = load_yaml(path)
        except ContentError as error:
            self.errors.append(error)
            return None
        if not isinstance(data, dict):
            self.error(path, "module.yml is a mapping with key, title, summary, lessons and quiz", 1)
            return None
        key = str(data.get("key") or "")
        if not KEY_PATTERN.match(key):
            self.error(path, f"module key {key!r} must be lowercase words joined by hyphens", line_of(data))
        lessons: list[Lesson] = []
        listed = data.get("lessons")
        if not isinstance(listed, list) or not listed:
            self.error(path, "'lessons' must list the lessons in order", line_of(data))
            listed = []
        seen: set[str] = set()
        for item in listed:
            lesson = self.lesson(folder, path, item)
            if lesson is None:
                continue
            if lesson.key in seen:
                self.error(path, f"lesson key {lesson.key!r} is used twice", line_of(item))
            seen.add(lesson.key)
            lessons.append(lesson)
        listed_keys = {str(item.get("key")) for item in listed if isinstance(item, dict)}
        for md in sorted(folder.glob("*.md")):
            stem = md.name.rsplit(".", 2)[0]
            if stem not in listed_keys:
                self.error(md, "this lesson file is not listed under 'lessons' in module.yml")
        assignments: list[Assignment] = []
        raw_assignments = data.get("assignments") or []
        if not isinstance(raw_assignments, list):
            self.error(path, "'assignments' must be a list", line_of(data))
            raw_assignments = []
        for item in raw_assignments:
            if not isinstance(item, dict) or not KEY_PATTERN.match(str(item.get("key") or "")):
                self.error(path, "an assignment needs a key of lowercase words joined by hyphens",
                           line_of(item, line_of(raw_assignments)))
                continue
            if any(a.key == item["key"] for a in assignments):
                self.error(path, f"assignment key {item['key']!r} is used twice", line_of(item))
            assignments.append(Assignment(str(item["key"]), self.text(item, "title", path),
                                          self.text(item, "prompt", path), self.text(item, "guidance", path)))
        quiz = None
        quiz_entry = data.get("quiz")
        if quiz_entry is not None:
            if not isinstance(quiz_entry, dict) or not quiz_entry.get("file"):
                self.error(path, "'quiz' needs file (and max_attempts)", line_of(quiz_entry, line_of(data)))
            else:
                attempts = quiz_entry.get("max_attempts", 3)
                if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
                    self.error(path, "max_attempts must be a whole number of at least 1", line_of(quiz_entry))
                    attempts = 3
                quiz_path = folder / str(quiz_entry["file"])
                if not quiz_path.exists():
                    self.error(path, f"quiz file {quiz_entry['file']!r} does not exist", line_of(quiz_entry))
                else:
                    quiz = self.quiz(quiz_path, attempts)
        else:
            self.error(path, "every module ends with a quiz ('quiz: {file: quiz.yml, max_attempts: 3}')",
                       line_of(data))
        return Module(key=key, folder=folder.name, number=number, title=self.text(data, "title", path),
                      summary=self.text(data, "summary", path), lessons=tuple(lessons),
                      assignments=tuple(assignments), quiz=quiz)

    # -- lesson ---------------------------------------------------------------------------
    def lesson(self, folder: Path, path: Path, item: Any) -> Lesson | None:
        if not isinstance(item, dict):
            self.error(path, "a lesson is a mapping with key, title and minutes", line_of(item))
            return None
        key = str(item.get("key") or "")
        line = line_of(item)
        if not KEY_PATTERN.match(key):
            self.error(path, f"lesson key {key!r} must be lowercase words joined by hyphens", line)
            return None
        minutes = item.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 120:
            self.error(path, f"lesson {key!r}: minutes must be a whole number from 1 to 120", line)
            minutes = 15
        suggested = item.get("suggested_for") or []
        if not isinstance(suggested, list):
            self.error(path, f"lesson {key!r}: suggested_for must be a list", line)
            suggested = []
        for dimension in suggested:
            if dimension not in DIMENSIONS:
                self.error(path, f"lesson {key!r}: unknown screening dimension {dimension!r} "
                                 f"(use {', '.join(DIMENSIONS)})", line_of(suggested, line))
        body, paths = {}, {}
        for lang in LANGUAGES:
            md = folder / f"{key}.{lang}.md"
            paths[lang] = str(md)
            if not md.exists():
                self.error(path, f"lesson {key!r} has no {md.name}", line)
                body[lang] = ""
                continue
            text, problems = _text_lines(md)
            self.errors.extend(problems)
            body[lang] = text
            self.lesson_text(md, text, lang)
        return Lesson(key=key, title=self.text(item, "title", path), minutes=int(minutes),
                      suggested_for=tuple(str(d) for d in suggested), body=body, paths=paths)

    def lesson_text(self, md: Path, text: str, lang: str) -> None:
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            if re.match(r"^#\s", line):
                self.error(md, "no H1 in a lesson: the title comes from module.yml; use ## headings", number)
            for ref in ORG_REF.findall(line):
                if ref not in self.organisations:
                    self.error(md, f"unknown organisation [[org:{ref}]] (see live_help/content/organisations)",
                               number)
            for other in re.findall(r"\[\[([a-z]+):", line):
                if other != "org":
                    self.error(md, f"unknown reference [[{other}:...]]: lessons may refer to [[org:KEY]]",
                               number)
        headings = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.startswith("## ")]
        if not headings or headings[-1][1] != PRACTISE_HEADING[lang]:
            self.error(md, f"a lesson ends with the section '{PRACTISE_HEADING[lang]}'",
                       headings[-1][0] if headings else 1)
        words = count_words(text)
        low, high = LESSON_WORDS
        if not low <= words <= high:
            self.error(md, f"{words} words; a lesson has {low}-{high} words per language", 1)

    # -- quiz -----------------------------------------------------------------------------
    def quiz(self, path: Path, max_attempts: int) -> Quiz | None:
        try:
            data = load_yaml(path)
        except ContentError as error:
            self.errors.append(error)
            return None
        raw = data.get("questions") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            self.error(path, "a quiz file has 'questions:', a list", 1)
            return None
        if len(raw) < MIN_QUESTIONS:
            self.error(path, f"{len(raw)} questions; a quiz has at least {MIN_QUESTIONS}", line_of(raw))
        questions: list[Question] = []
        for item in raw:
            question = self.question(path, item)
            if question is None:
                continue
            if any(q.key == question.key for q in questions):
                self.error(path, f"question key {question.key!r} is used twice", line_of(item))
            questions.append(question)
        return Quiz(max_attempts=max_attempts, questions=tuple(questions), path=str(path))

    def question(self, path: Path, item: Any) -> Question | None:
        line = line_of(item)
        if not isinstance(item, dict):
            self.error(path, "a question is a mapping with key, type, prompt and feedback", line)
            return None
        key = str(item.get("key") or "")
        kind = str(item.get("type") or "")
        if not KEY_PATTERN.match(key):
            self.error(path, f"question key {key!r} must be lowercase letters and digits", line)
            return None
        if kind not in QUESTION_TYPES:
            self.error(path, f"question {key}: type must be one of {', '.join(QUESTION_TYPES)}", line)
            return None
        prompt = self.text(item, "prompt", path)
        feedback = self.text(item, "feedback", path)
        options: list[Option] = []
        correct: Any = None
        accepted: dict[str, tuple[str, ...]] = {}
        if kind in ("single", "multiple", "ordering"):
            raw_options = item.get("options")
            if not isinstance(raw_options, list) or not 2 <= len(raw_options) <= 6:
                self.error(path, f"question {key}: {kind} needs 2-6 options", line)
                raw_options = raw_options if isinstance(raw_options, list) else []
            for option in raw_options:
                okey = str(option.get("key") or "") if isinstance(option, dict) else ""
                if not KEY_PATTERN.match(okey) or any(o.key == okey for o in options):
                    self.error(path, f"question {key}: option key {okey!r} missing or repeated", line_of(option, line))
                    continue
                texts = {lang: str(option.get(lang) or "").strip() for lang in LANGUAGES}
                if not all(texts.values()):
                    self.error(path, f"question {key}: option {okey} needs nl and en text", line_of(option, line))
                options.append(Option(okey, texts))
            keys = [o.key for o in options]
            raw_correct = item.get("correct")
            if kind == "single":
                if not isinstance(raw_correct, str) or raw_correct not in keys:
                    self.error(path, f"question {key}: 'correct' must be one option key", line)
                correct = str(raw_correct)
            elif kind == "multiple":
                if (not isinstance(raw_correct, list) or not raw_correct
                        or any(str(c) not in keys for c in raw_correct) or len(set(raw_correct)) != len(raw_correct)):
                    self.error(path, f"question {key}: 'correct' must list one or more option keys", line)
                    raw_correct = []
                correct = tuple(str(c) for c in raw_correct)
            else:
                if not isinstance(raw_correct, list) or sorted(map(str, raw_correct)) != sorted(keys):
                    self.error(path, f"question {key}: 'correct' must list every option key once, in order", line)
                    raw_correct = keys
                correct = tuple(str(c) for c in raw_correct)
        elif kind == "truefalse":
            if not isinstance(item.get("correct"), bool):
                self.error(path, f"question {key}: 'correct' must be true or false", line)
            correct = bool(item.get("correct"))
        else:
            raw_accepted = item.get("accepted")
            if not isinstance(raw_accepted, dict):
                self.error(path, f"question {key}: short needs 'accepted' with nl and en lists", line)
                raw_accepted = {}
            for lang in LANGUAGES:
                answers = raw_accepted.get(lang)
                if not isinstance(answers, list) or not [a for a in answers if normalise_answer(a)]:
                    self.error(path, f"question {key}: accepted {lang} must list at least one answer",
                               line_of(raw_accepted, line))
                    answers = []
                accepted[lang] = tuple(normalise_answer(a) for a in answers if normalise_answer(a))
        return Question(key=key, type=kind, prompt=prompt, feedback=feedback, options=tuple(options),
                        correct=correct, accepted=accepted)

    # -- calibration ----------------------------------------------------------------------
    def calibration(self, folder: Path) -> tuple[CalibrationTranscript, ...]:
        found: list[CalibrationTranscript] = []
        for path in sorted(folder.glob("*.yml")):
            transcript = self.transcript(path)
            if transcript is not None:
                found.append(transcript)
        return tuple(found)

    def transcript(self, path: Path) -> CalibrationTranscript | None:
        try:
            data = load_yaml(path)
        except ContentError as error:
            self.errors.append(error)
            return None
        if not isinstance(data, dict):
            self.error(path, "a calibration file is a mapping with key, title, risk, rubric, transcript", 1)
            return None
        key = str(data.get("key") or "")
        if key != path.stem:
            self.error(path, f"key {key!r} must be the file name {path.stem!r}", line_of(data))
        risk = str(data.get("risk") or "")
        if risk not in RISK_LEVELS:
            self.error(path, f"risk must be one of {', '.join(RISK_LEVELS)}", line_of(data))
        rubric_key = str(data.get("rubric") or "")
        rubric = self.rubric(rubric_key)
        if rubric is None:
            self.error(path, f"no rubric {rubric_key!r} in app/assessment/rubrics", line_of(data))
        raw_lines = data.get("transcript")
        translation = data.get("translation")
        if not isinstance(raw_lines, list) or len(raw_lines) < 4:
            self.error(path, "'transcript' must list the chat lines", line_of(data))
            raw_lines = []
        if not isinstance(translation, list) or len(translation) != len(raw_lines):
            self.error(path, f"'translation' must have {len(raw_lines)} lines, one per transcript line",
                       line_of(translation, line_of(data)))
            translation = [""] * len(raw_lines)
        lines: list[ChatLine] = []
        for raw, english in zip(raw_lines, translation, strict=True):
            if not isinstance(raw, dict) or raw.get("speaker") not in ("youth", "counsellor") \
                    or not str(raw.get("text") or "").strip():
                self.error(path, "a transcript line needs speaker (youth or counsellor) and text",
                           line_of(raw, line_of(raw_lines)))
                continue
            lines.append(ChatLine(str(raw["speaker"]), str(raw["text"]), str(english or "")))
        reference: dict[str, Reference] = {}
        raw_reference = data.get("reference")
        if not isinstance(raw_reference, dict):
            self.error(path, "'reference' needs a score and reason per rubric criterion", line_of(data))
            raw_reference = {}
        if rubric is not None:
            for criterion in rubric.criterion_keys:
                if criterion not in raw_reference:
                    self.error(path, f"reference has no score for criterion {criterion!r}", line_of(raw_reference))
            for extra in sorted(set(raw_reference) - set(rubric.criterion_keys)):
                self.error(path, f"reference names {extra!r}, which is not a criterion of the rubric",
                           line_of(raw_reference[extra], line_of(raw_reference)))
        for criterion, entry in raw_reference.items():
            score = entry.get("score") if isinstance(entry, dict) else None
            levels = rubric.level_values if rubric else (1, 2, 3, 4)
            if not isinstance(score, int) or isinstance(score, bool) or score not in levels:
                self.error(path, f"reference {criterion}: score must be one of {list(levels)}",
                           line_of(entry, line_of(raw_reference)))
                continue
            reference[str(criterion)] = Reference(score, self.text(entry, "reason", path))
        return CalibrationTranscript(key=key, title=self.text(data, "title", path), risk=risk,
                                     rubric=rubric_key, lines=tuple(lines), reference=reference)


def shared_runs(texts: dict[str, str], run: int = SHARED_RUN) -> list[tuple[str, str, str]]:
    """Pairs of texts (by name) that share more than `run` identical words in a row."""
    seen: dict[tuple[str, ...], str] = {}
    found: dict[tuple[str, str], str] = {}
    for name, text in texts.items():
        words = words_of(text)
        own = set()
        for i in range(len(words) - run):
            gram = tuple(words[i:i + run + 1])
            if gram in own:
                continue
            own.add(gram)
            other = seen.get(gram)
            if other is not None and other != name and (other, name) not in found:
                found[(other, name)] = " ".join(gram)
            seen.setdefault(gram, name)
    return [(a, b, words) for (a, b), words in found.items()]


def load_courses(root: Path = CONTENT_DIR, *, organisations_dir: Path = ORGANISATIONS_DIR,
                 rubrics_dir: Path = RUBRIC_DIR) -> dict[str, Course]:
    """Every course under `root`, validated; raises ContentErrors listing every problem."""
    reader = _Reader(load_organisations(organisations_dir), rubrics_dir)
    courses: dict[str, Course] = {}
    if not root.is_dir():
        raise ContentErrors([ContentError(root, "the course content folder does not exist")])
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        course = reader.course(folder)
        if course is not None:
            courses[course.key] = course
    for lang in LANGUAGES:
        texts = {course_lesson.paths[lang]: course_lesson.body[lang]
                 for course in courses.values() for _, course_lesson in course.lessons}
        for first, second, words in shared_runs(texts):
            reader.error(second, f"shares a run of more than {SHARED_RUN} words with {first}: \"{words}\"")
    if reader.errors:
        raise ContentErrors(reader.errors)
    return courses


@cache
def _cached(root: str, organisations_dir: str) -> dict[str, Course]:
    return load_courses(Path(root), organisations_dir=Path(organisations_dir))


def get_courses(root: Path | str = CONTENT_DIR, organisations_dir: Path | str = ORGANISATIONS_DIR) -> dict[str, Course]:
    """The courses, read once per process (content files do not change while the site runs)."""
    return _cached(str(root), str(organisations_dir))


def forget_cached_courses() -> None:
    _cached.cache_clear()


def lesson_markdown(markdown: str, organisations: dict[str, dict]) -> str:
    """A lesson's Markdown ready for render_markdown: organisations filled in, and each quoted chat
    line (`> **Speaker:** ...`) its own paragraph, as it would be its own message in a chat."""
    lines = organisation_links(markdown, organisations).splitlines()
    out: list[str] = []
    for line in lines:
        if line.startswith("> **") and out and out[-1].startswith(">") and out[-1].strip() != ">":
            out.append(">")
        out.append(line)
    return "\n".join(out) + "\n"


def prompt_markdown(markdown: str) -> str:
    """An assignment's situation: every quoted line is a separate chat message, its own paragraph."""
    out: list[str] = []
    for line in markdown.splitlines():
        if line.startswith(">") and line.strip() != ">" and out and out[-1].startswith(">") and out[-1].strip() != ">":
            out.append(">")
        out.append(line)
    return "\n".join(out) + "\n"


def organisation_links(markdown: str, organisations: dict[str, dict]) -> str:
    """`[[org:KEY]]` becomes the organisation's name linked to its site, with its number if it has one."""

    def replace(match: re.Match) -> str:
        org = organisations.get(match.group(1))
        if org is None:
            return match.group(1)
        name = f"[{org['name']}]({org['website']})" if org["website"] else org["name"]
        return f"{name} ({org['phone']})" if org["phone"] else name

    return ORG_REF.sub(replace, markdown)


__all__ = [
    "Assignment", "CalibrationTranscript", "ChatLine", "Course", "Lesson", "Module", "Option", "Question",
    "Quiz", "count_words", "forget_cached_courses", "get_courses", "load_courses", "load_organisations",
    "lesson_markdown", "normalise_answer", "prompt_markdown", "organisation_links", "shared_runs",
]
