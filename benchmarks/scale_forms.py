"""A province's inbox for the scale benchmark: N text submissions of realistic variety.

Most forms are the finance ministry's template saved as tab-separated text (as units export it from Excel),
built from `synthetic.py`'s evaluations with their own numbers, units and wording; the rest are the bundled
text samples of other layouts (Markdown, one cell per line, HTML, …) filed by other units. A small share
carries planted errors (spending over budget, parts that do not add up, a total leaving out the execution
score, …), about 5 % of the forms. The same index always gives the same file, so a benchmark can resubmit a
form corrected (`write_form(..., corrected=True)`): a new content hash, the same unit and form.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from synthetic import _form  # noqa: E402

from tests.ingest.templates import template_grid  # noqa: E402

SAMPLE_SHARE = 0.12  # forms in one of the bundled samples' layouts
ERROR_RATE = 0.01  # per planted-error site of a synthetic form: with the samples, about 5 % of the forms err
SAMPLES = sorted(
    path
    for path in (ROOT / "data" / "inbox").iterdir()
    if path.suffix in {".txt", ".md", ".html"} and "errors" not in path.name
)

_CAUSES = (
    "受疫情防控影响",
    "因上级资金下达较晚",
    "受汛期持续降雨影响",
    "因项目招标流程延长",
    "受原材料价格上涨影响",
    "因部分施工标段变更设计",
    "因人员调整",
    "受政策调整影响",
    "因配套资金未及时到位",
    "由于前期论证不充分",
)
_EFFECTS = (
    "部分工程进度滞后",
    "资金支付进度低于预期",
    "培训场次较计划减少",
    "采购计划推迟至次年",
    "服务人次未达到年度目标",
    "验收工作顺延",
    "设备安装调试延期",
    "部分合同尚未结算",
)
_MEASURES = (
    "下一步将加快项目实施进度",
    "已督促施工单位增加人员投入",
    "将完善预算编制和资金管理制度",
    "拟于次年一季度完成剩余任务",
    "将加强与上级部门沟通协调",
    "已制定整改方案并明确责任人",
    "今后将提高绩效目标设置的科学性",
)
_GOALS = (
    "完成{n}个村组道路硬化",
    "开展业务培训{n}场次",
    "保障{n}名在职人员工资按时足额发放",
    "完成{n}户农村危房改造",
    "为{n}名困难群众发放救助资金",
    "新建{n}处便民服务站点",
    "完成{n}公里河道清淤整治",
    "组织{n}次安全生产检查",
)


def _explanation(rng: random.Random) -> str:
    return f"{rng.choice(_CAUSES)}，{rng.choice(_EFFECTS)}，{rng.choice(_MEASURES)}。"


def _goal(rng: random.Random, done: bool) -> tuple[str, str]:
    picked = rng.sample(_GOALS, 2)
    numbers = [rng.randint(3, 400) for _ in picked]
    expected = "；".join(goal.format(n=n) for goal, n in zip(picked, numbers, strict=True)) + "。"
    actual = "；".join(
        goal.format(n=n if done else max(1, int(n * 0.9))) for goal, n in zip(picked, numbers, strict=True)
    )
    return expected, f"全年{actual}，年度目标{'全部' if done else '基本'}完成。"


def template_text(index: int, corrected: bool = False) -> str:
    """Form `index` as the template saved as tab-separated text; `corrected`: without planted errors."""
    rng = random.Random(index * 7919 + 17)
    evaluation = _form(index, rng, 0.0 if corrected else ERROR_RATE)
    texts = random.Random(index)
    for indicator in evaluation.indicators:
        if indicator.explanation and indicator.explanation != "无偏差":
            indicator.explanation = _explanation(texts)
    evaluation.goals[0].expected, evaluation.goals[0].actual = _goal(texts, texts.random() < 0.8)
    grid = template_grid(evaluation)
    for row in grid.rows:  # the fund block's parts show their own execution rate, as most units fill it
        if row[0] == "" and row[1] and row[1] != "年度资金总额" and row[2] and not row[6]:
            budget, spent = float(row[3]), float(row[4])
            row[6] = f"{spent / budget * 100:.2f}%" if budget else ""
    return grid.title + "\n" + "\n".join("\t".join(row) for row in grid.rows) + "\n"


def sample_text(index: int) -> tuple[str, str]:
    """Form `index` in one of the bundled samples' layouts, filed by a unit of its own: (suffix, text)."""
    source = SAMPLES[index % len(SAMPLES)]
    text = source.read_text(encoding="utf-8").replace("清溪", f"清溪{index}号")
    return source.suffix, text


def file_name(index: int) -> str:
    layout = "sample" if random.Random(index).random() < SAMPLE_SHARE else "template"
    suffix = SAMPLES[index % len(SAMPLES)].suffix if layout == "sample" else ".txt"
    return f"{index // 1000:03d}/{index:06d}_{layout}{suffix}"


def write_form(inbox: Path, index: int, corrected: bool = False) -> Path:
    target = inbox / file_name(index)
    target.parent.mkdir(parents=True, exist_ok=True)
    if "_sample" in target.name:
        text = sample_text(index)[1]
    else:
        text = template_text(index, corrected)
    target.write_text(text, encoding="utf-8")
    return target


def write_inbox(inbox: Path, indices: range) -> list[Path]:
    """The forms `indices` into `inbox` (in folders of 1,000, as a bureau's share drive holds them)."""
    return [write_form(inbox, index) for index in indices]


def has_planted_error(index: int) -> bool:
    """Whether form `index` differs from its corrected version (a resubmission would fix something)."""
    return "_template" in file_name(index) and template_text(index) != template_text(index, corrected=True)
