extension DashboardTemplates {
    /// `GET /accounts/{id}/audience`: one table per breakdown report (bars of the spend share) and the monthly reach
    /// chart.
    static let audience = """
        {{>head}}
        <p class="crumbs"><a href="/">Overview</a> › <a href="{{accountHref}}">{{accountName}}</a> › Audience</p>
        <h1>Audience of {{accountName}}</h1>
        <form class="range" method="get">
        {{>rangeDates}}
        <button type="submit">Show</button>
        </form>
        <p class="muted">{{note}}</p>
        {{#sections}}<section class="audience" data-report="{{report}}"><h2>{{title}}</h2>
        {{#hasRows}}<div class="scroll"><table data-table="{{report}}"><thead><tr>
        {{#headers}}<th scope="col">{{.}}</th>{{/headers}}<th scope="col">Share of spend</th><th scope="col" class="num">Impressions</th>\
        <th scope="col" class="num">Clicks</th><th scope="col" class="num">Spend</th><th scope="col" class="num">Results</th>\
        <th scope="col" class="num">CPA</th><th scope="col" class="num">ROAS</th></tr></thead><tbody>
        {{#rows}}<tr data-key="{{key}}">{{#cells}}<td>{{.}}</td>{{/cells}}\
        <td><span class="sbar" aria-hidden="true"><span style="width:{{barWidth}}%"></span></span> {{share}}</td>\
        <td class="num">{{impressions}}</td><td class="num">{{clicks}}</td>\
        <td class="num" data-metric="spend" data-value="{{spendValue}}">{{spend}}</td><td class="num">{{results}}</td>\
        <td class="num">{{cpa}}</td><td class="num">{{roas}}</td></tr>
        {{/rows}}</tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="empty" data-empty="{{report}}">{{empty}}</p>{{/hasRows}}
        </section>
        {{/sections}}
        <section class="audience" data-report="monthly_reach"><h2>Monthly reach</h2>
        {{#hasReach}}<div class="charts">{{#reach}}{{>chart}}{{/reach}}</div>{{/hasReach}}
        {{^hasReach}}<p class="empty" data-empty="monthly_reach">{{reachEmpty}}</p>{{/hasReach}}
        </section>
        {{>foot}}
        """

    /// Styles of the Audience view (appended to the page's style sheet).
    static let audienceCSS = """
        .sbar{display:inline-block;width:6rem;height:.55rem;background:#e4e6eb;border-radius:999px;overflow:hidden;vertical-align:middle}
        .sbar span{display:block;height:100%;background:var(--accent)}
        """
}
