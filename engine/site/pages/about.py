"""Coverage, about and the reading guide: what the site checks and how to read it."""

from __future__ import annotations

from engine.labels import (
    RULE_KIND,
    account_zh,
    article_zh,
)
from engine.site.markup import block, table
from engine.site.model import public_fields
from engine.site.pages.tables import Tables


class AboutPages(Tables):
    """Coverage, about and the reading guide: what the site checks and how to read it."""

    def authority_line(self) -> str:
        """The trust root of the authority file: where the signatures' authority starts."""
        root = self.m.authority_root
        if root is not None:
            text = (
                f"授权名录根版本: <code>{self.e(root.commit[:10])}</code>"
                f"({self.e(root.when.strftime('%Y-%m-%d'))})"
            )
        else:
            text = f"授权名录根版本: 无({self.t(self.m.authority_problem or '未建立授权名录')})"
        return block(f'<p class="gm-authority-root">{text}</p>')

    def authority_warnings(self) -> str:
        verdict = self.m.result.authority if self.m.result is not None else None
        if verdict is None or not verdict.warnings:
            return block("<p>全部豁免和监管记录都由其单位登记的人员签名提交。</p>")
        rows = [
            [self.e(self.target_name(w.path) if "/" in w.path else w.path), self.t(w.message)]
            for w in verdict.warnings
        ]
        return block(table(["记录", "原因"], rows, "gm-authority"))

    def coverage(self) -> str:
        by_article = {r.article: r for r in self.rules}
        last = max([25, *by_article])
        rows = []
        checked = 0
        for n in range(1, last + 1):
            rule = by_article.get(n)
            if rule is None:
                rows.append(
                    [
                        self.e(article_zh(n)),
                        "—",
                        "—",
                        '<span class="gm-missing">尚未录入</span>',
                        "本条还没有写入规则手册。",
                    ]
                )
                continue
            checks = {c.id for v in rule.versions for c in v.checks}
            if checks:
                checked += 1
            why = self.paragraphs(rule.not_checked) if rule.not_checked else ""
            if not checks and not why:
                why = {
                    "parameter": "本条给出的日期或数值作为参数用于其他条款的检查,本身没有单独的检查。",
                    "informational": "本条是原则或说明,不规定可以从记录判断的义务。",
                }.get(rule.kind, "本条尚无规则检查。")
            rows.append(
                [
                    self.rule_link(rule.id, rule.article),
                    self.t(rule.title),
                    self.e(RULE_KIND.get(rule.kind, "")),
                    f'<span class="gm-active">有,{len(checks)} 项检查</span>'
                    if checks
                    else '<span class="gm-closed">没有</span>',
                    why if not checks else "",
                ]
            )
        md = "# 覆盖范围\n\n" + self.status_line()
        md += block(
            f"<p>办法共 {last} 条,已录入 {len(by_article)} 条,其中 {checked} 条有规则检查。"
            "没有规则检查的条款,说明了原因。</p>"
        )
        md += block(
            table(["条款", "内容", "类型", "规则检查", "未检查的原因"], rows, "gm-coverage")
        )
        md += "## 豁免和监管记录的签名\n\n"
        md += block(
            "<p>豁免和监管记录只有由其单位在授权名录中登记的人员"
            "签名提交才生效;授权名录的每次修改须由主管单位登记的人员签名,"
            "其第一个版本(根版本)是信任的起点。</p>"
        )
        md += self.authority_line()
        md += self.authority_warnings()
        return md

    def supervising_unit(self) -> str | None:
        for rule in self.rules:
            for version in reversed(rule.versions):
                value = version.parameters.get("supervising_unit")
                if isinstance(value, str):
                    return value
            value = rule.parameters.get("supervising_unit")
            if isinstance(value, str):
                return value
        return None

    def about(self) -> str:
        p = self.m.policy
        checked = sum(1 for r in self.rules if any(v.checks for v in r.versions))
        md = "# 关于本站\n\n" + self.status_line()
        md += "## 本站是什么\n\n" + block(
            "<p>本站公开新巴尔虎右旗各单位政务新媒体账号遵守《新巴尔虎右旗政务新媒体管理办法(试行)》"
            "的情况。页面全部由计算机根据各单位登记的记录和逐条写成规则的办法自动生成,"
            "同一次检查的结果用于全站的每一个数字。</p>"
        )
        md += "## 依据的办法\n\n" + block(
            f"<p>《新巴尔虎右旗政务新媒体管理办法(试行)》,自 "
            f"<strong>{self.e(p.measures_effective.isoformat())}</strong> 起施行。"
            f'逐条的原文和解读见<a href="{self.e(self.link.href("rules/index.md"))}">规则手册</a>。</p>'
        )
        md += "## 检查什么,不检查什么\n\n" + block(
            f"<p>办法的 {len(self.rules)} 条中,{checked} 条有规则检查:根据记录判断是否做到"
            "(例如按时更新、审核、备案、关停程序、专人负责)。其余条款是原则、授权或说明,"
            "无法从记录判断,各条的原因见"
            f'<a href="{self.e(self.link.href("coverage.md"))}">覆盖范围</a>。'
            "本站只根据登记的记录判断,不到各平台上查看账号实际发布的内容;记录不全时,结论也可能不全。"
            "无法判断的情况列为「提醒」,不计为违规。</p>"
        )
        md += "## 记录怎样到这里\n\n" + block(
            "<p>各单位把账号开设、关停、负责人、每月发布与审核等情况写成记录文件,"
            "提交到记录库;每次提交都会自动检查格式。本站按检查日期重新检查全部记录后生成。"
            "豁免和监管记录须由授权人员签名提交才生效。"
            "联系人姓名、电话、合同金额、审核人等字段不公开,本站不会显示。</p>"
        )
        md += "## 信任起点\n\n" + block(
            "<p>谁有权签名提交豁免和监管记录,登记在授权名录中;"
            "名录的第一个版本(根版本)是核验一切签名的起点。</p>"
        )
        md += self.authority_line()
        md += "## 联系\n\n"
        sup = self.supervising_unit()
        if sup and sup in self.units:
            data = public_fields(self.units[sup])
            offices = [
                str(data[k])
                for k in ("newmedia_office", "supervising_office")
                if isinstance(data.get(k), str)
            ]
            office = f"{self.e(offices[0])}" if offices else ""
            md += block(
                f"<p>对本站内容或某个账号的记录有疑问,请联系全旗政务新媒体工作的主管单位:"
                f"{self.unit_link(sup)}"
                + (f"(负责政务新媒体工作的机构:{office})" if office else "")
                + "。本站不公开个人的姓名和电话。</p>"
            )
        else:
            md += block("<p>主管单位尚未登记在单位名录中。</p>")
        return md

    def guide(self) -> str:
        md = "# 如何阅读\n\n" + self.status_line()
        md += "## 检查日期\n\n" + block(
            "<p>每页顶部写着检查日期。全站所有数字来自同一次检查:按这一天检查截至这一天的记录。"
            "例如「连续两周未更新」只有在两周过去之后才算违规。</p>"
        )
        md += "## 违规和提醒\n\n" + block(
            "<p><strong>违规</strong>:记录显示没有做到办法要求的事。"
            "<strong>提醒</strong>:无法从记录判断的事,或需要有人看一看的事(例如某年的节假日安排还没有登记);"
            "提醒不是违规,单独计数。<strong>已豁免</strong>:经批准在一段时间内不按某条执行,不计入未整改。</p>"
        )
        md += "## 两个日期\n\n" + block(
            "<p>每处违规有两个日期:</p><ul>"
            "<li><strong>发生日期</strong>:违规本身的日期,取自记录的内容,例如应当更新却没有更新的那一周、"
            "发布的那一天、应当备案的最后期限。</li>"
            "<li><strong>记入记录</strong>:违规所指的记录文件第一次提交到记录库的日期。"
            "很多记录是事后补录的,所以它可能比发生日期晚得多。</li></ul>"
        )
        md += "## 历史的两种看法\n\n" + block(
            "<p><strong>按违规发生的月份</strong>:用今天的记录,把违规放到它发生的月份;"
            "某月底的数字是「到那时已经发生、至今仍未整改」的违规数。"
            "<strong>按当时的记录</strong>:每月最后一次提交时的记录当时显示的违规数;"
            "补录的记录会让违规在「记入」的月份才出现。两者的最新数字相同,都等于首页的数字。</p>"
        )
        md += "## 账号名称\n\n" + block(
            "<p>账号写成「平台·名称」,例如「"
            f"{account_zh('wechat-official', '某某发布')}」,以区分不同平台上同名的账号。</p>"
        )
        md += "## 查看记录\n\n" + block(
            "<p>每处违规的「查看记录」链接到该记录在账号或单位页面上的条目"
            + ("; 「源文件」链接到公开记录库中的文件和行" if self.repo_url else "")
            + "。</p>"
        )
        return md
