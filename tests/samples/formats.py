"""The bundled samples of each format units send (data/inbox/08_… to 13_…), and how they are made.

Each is a small form of a unit of its own, written here as text in the template's layout (the words are the
project's own, not a real unit's), then saved as the unit would send it: the ministry template in Word and
Excel (merged cells), Word 97 and Excel 97 by LibreOffice, a PDF printed by LibreOffice, a 300 dpi scan of that
print, and a zip. `python -m tests.samples.formats` writes them; the tests read the committed files and hold
each to its text.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

HEAD = "{year}年度项目支出绩效自评表\n\n项目名称\t{project}\n主管部门\t{department}\t\t\t实施单位\t{unit}\n"
FUNDS = "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
INDICATORS = "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"

# name → (the form as text, what is planted in it)
FORMS = {
    "08_agriculture_word_template.docx": (
        HEAD.format(
            year=2023, project="高标准农田建设项目", department="清溪县农业农村局", unit="清溪县农田建设服务中心"
        )
        + FUNDS
        + "\t年度资金总额\t800\t800\t760\t10\t95%\t9.5\n"
        + "\t其中：当年财政拨款\t800\t800\t760\t—\t95%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t新建旱涝保收农田1.5万亩，配套灌排渠系与机耕道路。\t\t\t已建成农田1.5万亩，渠系和道路同步交付使用。\n"
        + INDICATORS
        + "产出指标\t数量指标\t新建农田面积\t≥1.5万亩\t1.5万亩\t20\t20\t无偏差\n"
        + "\t质量指标\t工程验收合格率\t100%\t100%\t10\t10\t无偏差\n"
        + "\t时效指标\t项目完工时间\t2023年10月底前\t2023年10月25日\t10\t10\t无偏差\n"
        + "\t成本指标\t亩均建设成本\t≤1500元\t1480元\t10\t10\t无偏差\n"
        + "效益指标\t经济效益指标\t粮食亩均增产\t≥50公斤\t55公斤\t15\t15\t无偏差\n"
        + "\t可持续影响指标\t建后管护制度\t健全\t健全\t15\t15\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t受益农户满意度\t≥90%\t94%\t10\t10\t无偏差\n"
        + "总分\t\t\t\t\t100\t98.5\t\n自评结论\t优\n",
        "总分 98.5 ≠ 9.5 + 90",
    ),
    "09_culture_excel_template.xlsx": (
        HEAD.format(year=2023, project="公共文化服务提升项目", department="清溪县文化和旅游局", unit="清溪县文化馆")
        + FUNDS
        + "\t年度资金总额\t120\t120\t126\t10\t105%\t10\n"
        + "\t其中：当年财政拨款\t120\t120\t126\t—\t105%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t组织送戏下乡演出60场，开放免费培训班12期。\t\t\t送戏下乡演出62场，举办免费培训班12期，覆盖全部乡镇。\n"
        + INDICATORS
        + "产出指标\t数量指标\t送戏下乡场次\t≥60场\t62场\t20\t20\t无偏差\n"
        + "\t数量指标\t免费培训期数\t12期\t12期\t10\t10\t无偏差\n"
        + "\t时效指标\t活动完成时间\t2023年12月底前\t2023年12月10日\t10\t10\t无偏差\n"
        + "\t成本指标\t单场演出成本\t≤1.2万元\t1.25万元\t10\t8\t舞台设备租赁价格上涨，下年改为集中采购\n"
        + "效益指标\t社会效益指标\t群众参与人次\t≥2万人次\t2.3万人次\t20\t20\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t观众满意度\t≥90%\t92%\t20\t18\t个别场次音响效果欠佳，已更换设备\n"
        + "总分\t\t\t\t\t100\t96\t\n自评结论\t优\n",
        "执行率 105%（执行数超过预算数）",
    ),
    "10_forestry_word97.doc": (
        HEAD.format(year=2023, project="森林防火能力建设项目", department="清溪县林业局", unit="清溪县森林消防大队")
        + FUNDS
        + "\t年度资金总额\t200\t200\t150\t10\t80%\t7.5\n"
        + "\t其中：当年财政拨款\t200\t200\t150\t—\t75%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t购置扑火机具300台套，新修防火通道20公里。\t\t\t购置扑火机具300台套，防火通道完成15公里，其余转入下年。\n"
        + INDICATORS
        + "产出指标\t数量指标\t扑火机具购置数量\t300台套\t300台套\t20\t20\t无偏差\n"
        + "\t数量指标\t防火通道修建长度\t20公里\t15公里\t20\t15\t雨季施工受阻，剩余5公里次年完成\n"
        + "\t质量指标\t机具验收合格率\t100%\t100%\t10\t10\t无偏差\n"
        + "效益指标\t生态效益指标\t森林火灾受害率\t≤0.9‰\t0.3‰\t20\t20\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t周边群众满意度\t≥90%\t91%\t20\t20\t无偏差\n"
        + "总分\t\t\t\t\t100\t92.5\t\n自评结论\t优\n",
        "执行率填报 80%，150/200 = 75%",
    ),
    "11_civil_affairs_printed.pdf": (
        HEAD.format(year=2023, project="居家养老服务补贴项目", department="清溪县民政局", unit="清溪县养老服务中心")
        + FUNDS
        + "\t年度资金总额\t300\t300\t288\t10\t96%\t9.6\n"
        + "\t其中：当年财政拨款\t300\t300\t288\t—\t96%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t为800名困难老人购买上门服务，每人每月不少于8小时。\t\t\t为792名老人提供上门服务，人均每月8.5小时。\n"
        + INDICATORS
        + "产出指标\t数量指标\t服务老人人数\t800人\t792人\t20\t19.8\t8名老人入住养老机构，不再上门服务\n"
        + "\t质量指标\t月均服务时长\t≥8小时\t8.5小时\t20\t20\t无偏差\n"
        + "\t时效指标\t补贴发放及时率\t100%\t100%\t10\t12\t无偏差\n"
        + "效益指标\t社会效益指标\t老人生活照料改善\t明显改善\t明显改善\t20\t20\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t服务老人满意度\t≥95%\t96%\t20\t20\t无偏差\n"
        + "总分\t\t\t\t\t100\t101.4\t\n自评结论\t优\n",
        "补贴发放及时率得分 12 超过分值 10（总分 101.4 超过 100）",
    ),
    "12_health_scanned.png": (
        HEAD.format(year=2023, project="基层医疗设备购置项目", department="清溪县卫生健康局", unit="清溪县中心卫生院")
        + FUNDS
        + "\t年度资金总额\t450\t450\t441\t10\t98%\t9.8\n"
        + "\t其中：当年财政拨款\t450\t450\t441\t—\t98%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t为12个村卫生室配备心电图机和血糖仪。\t\t\t12个村卫生室设备全部到位并完成培训。\n"
        + INDICATORS
        + "产出指标\t数量指标\t配备设备的村卫生室\t12个\t12个\t30\t30\t无偏差\n"
        + "\t质量指标\t设备验收合格率\t100%\t100%\t20\t20\t无偏差\n"
        + "效益指标\t社会效益指标\t村民就近检查人次\t≥3000人次\t3400人次\t20\t20\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t村民满意度\t≥90%\t93%\t20\t20\t无偏差\n"
        + "总分\t\t\t\t\t100\t97.8\t\n自评结论\t优\n",
        "总分 97.8 ≠ 9.8 + 90（识别自扫描件）",
    ),
    "13_sports_bundle.zip": (
        HEAD.format(year=2023, project="全民健身设施建设项目", department="清溪县教育体育局", unit="清溪县体育中心")
        + FUNDS
        + "\t年度资金总额\t90\t90\t90\t10\t100%\t10\n"
        + "\t其中：当年财政拨款\t90\t90\t90\t—\t100%\t—\n"
        + "年度总体目标\t预期目标\t\t\t实际完成情况\n"
        + "\t在15个行政村安装健身路径，每村一套。\t\t\t15个行政村健身路径安装完毕，已交村委会管护。\n"
        + INDICATORS
        + "产出指标\t数量指标\t健身路径安装数量\t15套\t15套\t30\t30\t无偏差\n"
        + "\t质量指标\t器材安全检测合格率\t100%\t100%\t20\t20\t无偏差\n"
        + "效益指标\t社会效益指标\t村民健身参与率\t≥40%\t45%\t20\t20\t无偏差\n"
        + "满意度指标\t服务对象满意度指标\t村民满意度\t≥90%\t95%\t20\t20\t无偏差\n"
        + "总分\t\t\t\t\t100\t100\t\n自评结论\t优\n",
        "无（zip 中的 Excel 97 表，审核无误）",
    ),
}
ZIP_MEMBER = "体育中心/全民健身设施建设项目自评表.xls"  # the form inside the zip, in a folder, as Windows zips it


def text_evaluation(name: str):
    """The form as the parser reads its text: what the saved file must read back as."""
    from evalaudit.ingest.blocks import SourceDocument
    from evalaudit.ingest.text import text_blocks
    from evalaudit.parse import parse_document

    text = FORMS[name][0]
    digest = hashlib.sha256(text.encode()).hexdigest()
    (evaluation,) = parse_document(SourceDocument(name, digest, "utf-8", text, text_blocks(text))).evaluations
    return evaluation


def make(name: str) -> bytes:
    """The sample's bytes, made as the unit's office suite would save them."""
    from tests.ingest.documents import scanned_pages, soffice_convert_many
    from tests.ingest.templates import evaluation_docx, evaluation_xlsx

    evaluation = text_evaluation(name)
    word, book = evaluation_docx(evaluation), evaluation_xlsx(evaluation)
    suffix = Path(name).suffix
    if suffix == ".docx":
        return word
    if suffix == ".xlsx":
        return book
    if suffix == ".doc":
        return soffice_convert_many({"form.docx": word}, "doc")["form.docx"]
    if suffix == ".pdf":
        return soffice_convert_many({"form.docx": word}, "pdf")["form.docx"]
    if suffix == ".png":
        return scanned_pages(soffice_convert_many({"form.docx": word}, "pdf")["form.docx"])[0]
    if suffix == ".zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(ZIP_MEMBER, soffice_convert_many({"form.xlsx": book}, "xls")["form.xlsx"])
        return out.getvalue()
    raise ValueError(name)


if __name__ == "__main__":
    inbox = Path(__file__).parents[2] / "data" / "inbox"
    for name in sys.argv[1:] or FORMS:
        (inbox / name).write_bytes(make(name))
        print(inbox / name)
