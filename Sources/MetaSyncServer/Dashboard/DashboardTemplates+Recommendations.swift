extension DashboardTemplates {
    /// `GET /accounts/{id}/recommendations`: open recommendations ranked by estimated impact, each with its evidence chart,
    /// figures and Dismiss / Apply buttons (Apply leads to a confirmation page), then the dismissed and applied ones.
    static let recommendations = """
        {{>head}}
        <p class="crumbs"><a href="/">Overview</a> › <a href="{{accountHref}}">{{accountName}}</a> › Recommendations</p>
        <h1>Recommendations for {{accountName}}</h1>
        <p class="muted">{{note}}</p>
        {{#hasMeta}}<section class="metascore" aria-label="Meta opportunity score" data-opportunity-score="{{metaScoreValue}}">
        <h2>Meta's opportunity score: {{metaScore}}</h2>
        <ul class="metaitems">{{#metaItems}}<li data-meta-source="{{source}}" data-object="{{objectID}}">{{level}} {{objectID}} · \
        <strong>{{title}}</strong> {{message}}{{#points}} · {{points}} points{{/points}} <span class="muted">seen {{seen}}</span></li>{{/metaItems}}</ul>
        </section>{{/hasMeta}}
        <p class="targets" data-targets="account">Targets: {{#targets}}<span data-setting="{{key}}" data-value="{{value}}" \
        data-source="{{source}}" data-level="{{level}}">{{label}} <strong>{{value}}</strong> ({{level}}, {{source}})</span> {{/targets}}\
        — per campaign and the other thresholds: <code>metasync recommend settings</code> or the settings API.</p>
        {{#hasOpen}}<ol class="recs" aria-label="Open recommendations">
        {{#open}}<li class="rec" data-id="{{id}}" data-kind="{{kind}}" data-severity="{{severity}}">
        <p><span class="sev {{severity}}">{{severity}}</span> <code>{{kind}}</code> · {{level}} <a href="{{objectHref}}">{{objectID}}</a>\\
        {{#impact}} · <strong data-impact="{{impactValue}}">{{impact}}</strong> a day{{/impact}}</p>
        <h2 class="rtitle">{{title}}</h2>
        {{#chart}}<figure class="evidence"><svg viewBox="0 0 360 90" width="360" height="90" role="img" aria-label="{{label}}">\\
        {{#lines}}<polyline class="l{{index}}" points="{{points}}" data-series="{{name}}"/>{{/lines}}</svg>\\
        <figcaption>{{#lines}}<span class="k l{{index}}">{{name}}</span> {{/lines}}{{label}}</figcaption></figure>{{/chart}}
        <dl class="cfig">{{#figures}}<div><dt>{{name}}</dt><dd data-metric="{{name}}">{{value}}</dd></div>{{/figures}}</dl>
        {{#metaNote}}<p class="metanote" data-meta-note="true">{{metaNote}}</p>{{/metaNote}}
        <p class="muted">{{advice}}</p>
        {{#ruleNote}}<p class="rule-note" data-rule-note>{{ruleNote}}</p>{{/ruleNote}}
        <div class="ractions">
        <form method="post" action="{{dismissHref}}"><button type="submit" data-action="dismiss">Dismiss</button></form>
        {{#applyHref}}<a class="button" href="{{applyHref}}" data-action="apply">Apply…</a>{{/applyHref}}
        </div></li>{{/open}}
        </ol>{{/hasOpen}}
        {{^hasOpen}}<p class="empty" data-empty="recommendations">No open recommendation. They are evaluated after every sync \\
        (or run <code>metasync recommend</code>).</p>{{/hasOpen}}
        {{#hasOthers}}<h2>Dismissed and applied</h2><ul class="others">{{#others}}<li data-id="{{id}}" data-status="{{status}}">\\
        {{status}} · <code>{{kind}}</code> · {{title}}</li>{{/others}}</ul>{{/hasOthers}}
        {{>foot}}
        """

    /// `GET /accounts/{id}/recommendations/{rid}/apply`: the exact Graph write and a Confirm button.
    static let applyConfirm = """
        {{>head}}
        <p class="crumbs"><a href="/">Overview</a> › <a href="{{backHref}}">Recommendations</a> › Apply</p>
        <h1>Apply recommendation {{id}}?</h1>
        <p>{{title}}</p>
        <p>MetaSync will make this Graph write with the account's connection:</p>
        <pre class="write" data-request="{{request}}">{{request}}</pre>
        <dl class="cfig">{{#changes}}<div><dt>{{field}}</dt><dd>{{before}} → {{after}}</dd></div>{{/changes}}</dl>
        {{#canWrite}}<form method="post" action="{{applyHref}}"><button type="submit" data-action="confirm-apply">Confirm and apply</button> \\
        <a href="{{backHref}}">Cancel</a></form>{{/canWrite}}
        {{^canWrite}}<p class="empty">{{unavailable}}</p>{{/canWrite}}
        {{>foot}}
        """

    static let recommendationCSS = """
        .recs{list-style:none;padding:0} .rec{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;margin:.6rem 0}
        .rec .rtitle{font-size:1rem;margin:.2rem 0 .4rem} .sev{border-radius:4px;padding:0 .35rem;font-size:.8rem;color:#fff}
        .sev.high{background:var(--bad)} .sev.medium{background:var(--warn)} .sev.low{background:var(--off)}
        .evidence{margin:.3rem 0} .evidence svg{max-width:100%;height:auto;background:var(--bg);border-radius:6px}
        .evidence polyline{fill:none;stroke-width:2} .l0{stroke:var(--accent);color:var(--accent)} .l1{stroke:var(--bad);color:var(--bad)}
        .evidence figcaption{font-size:.8rem;color:var(--muted)} .k{font-weight:700;margin-right:.4rem}
        .ractions{display:flex;gap:.6rem;align-items:center} .ractions form{margin:0}
        .button{border:1px solid var(--line);border-radius:4px;padding:.1rem .5rem;text-decoration:none}
        .metascore{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
        .metascore h2{font-size:1rem;margin:.2rem 0} .metanote{font-style:italic}
        pre.write{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem;overflow-x:auto}
        """
}
