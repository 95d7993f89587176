/// The dashboard's Mustache templates and style sheet, compiled into the binary (no resource bundle, no external
/// asset: `metasync serve` works from any directory and offline).
///
/// Every value is written with `{{name}}`, which HTML-escapes it; the triple mustache is never used. The CSS is part of
/// the template text, not a value.
enum DashboardTemplates {
    /// Template name → Mustache source; pages include the `head`/`foot` partials.
    static let all: [String: String] = [
        "head": head,
        "foot": foot,
        "status": status,
        "gauge": gauge,
        "rangeDates": rangeDates,
        "chart": chart,
        "performance": performance,
        "metrics": metrics,
        "runs": runs,
        "login": login,
        "overview": overview,
        "account": account,
        "object": object,
        "syncRuns": syncRuns,
        "message": message,
        "creativeCard": creativeCard,
        "creatives": creatives,
        "audience": audience,
        "recommendations": recommendations,
        "applyConfirm": applyConfirm,
    ]

    static let css = """
        :root{--fg:#1c1e21;--muted:#5b6168;--line:#dadde1;--bg:#f5f6f7;--card:#fff;--accent:#0861e0;
        --ok:#1b7f3b;--warn:#8a5a00;--bad:#c62828;--off:#5b6168}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
        header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1.2rem;padding:.6rem 1rem;background:#fff;
        border-bottom:1px solid var(--line)}
        .brand{font-weight:700;color:var(--fg);text-decoration:none;font-size:1.05rem}
        header nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}
        header nav form{margin:0}
        main{max-width:74rem;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.2rem 0 .5rem}
        h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
        a{color:var(--accent)}
        .muted{color:var(--muted);font-size:.85em}
        .meta{color:var(--muted);margin:.1rem 0 .8rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
        .card b{display:block;font-size:1.35rem;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        th,td{padding:.45rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
        td.wrap{white-space:normal;min-width:16rem;max-width:34rem;overflow-wrap:anywhere}
        th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
        thead th{background:#f0f2f5;font-weight:600}
        th a{color:inherit;text-decoration:none}
        th a:hover{text-decoration:underline}
        tbody tr:last-child td{border-bottom:0}
        .status{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.82rem;border:1px solid currentColor;white-space:nowrap}
        .s-ok{color:var(--ok)} .s-warn{color:var(--warn)} .s-bad{color:var(--bad)} .s-off{color:var(--off)} .s-busy{color:var(--accent)}
        .gauge{display:flex;align-items:center;gap:.4rem;min-width:10rem}
        .gauge .bar{flex:1;height:.55rem;background:#e4e6eb;border-radius:999px;overflow:hidden;min-width:4rem}
        .gauge .bar span{display:block;height:100%;background:var(--ok)}
        .g-warn .bar span{background:var(--warn)} .g-bad .bar span{background:var(--bad)}
        .gauge .gtext{font-size:.82rem;font-variant-numeric:tabular-nums}
        .totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem;margin:0}
        .totals div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem .7rem}
        .totals dt{color:var(--muted);font-size:.8rem}
        .totals dd{margin:0;font-size:1.2rem;font-weight:600;font-variant-numeric:tabular-nums}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(21rem,1fr));gap:.6rem;margin-top:.6rem}
        figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem .6rem}
        figure.chart figcaption{font-weight:600;font-size:.9rem;display:flex;justify-content:space-between;gap:.5rem}
        figure.chart svg{width:100%;height:auto;display:block}
        .chart .axis{stroke:#bcc0c4;stroke-width:1}
        .chart .grid{stroke:#e4e6eb;stroke-width:1}
        .chart .line{fill:none;stroke:var(--accent);stroke-width:1.5}
        .chart .pt{fill:#fff;stroke:var(--accent);stroke-width:1.2}
        .chart .pt.nodata{stroke:#bcc0c4}
        .chart text{font-size:10px;fill:var(--muted)}
        form.range{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.4rem 0}
        form.range label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
        input,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--fg)}
        button,.button{cursor:pointer;padding:.3rem .7rem;text-decoration:none;display:inline-block;border:1px solid var(--line);
        border-radius:6px;background:#fff;color:var(--fg)}
        button.primary,.button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
        .presets{margin:.2rem 0 .8rem;font-size:.9rem}
        .presets a{margin-right:.8rem}
        .presets a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
        .notice{background:#fff8e1;border:1px solid #f0d58c;border-radius:8px;padding:.5rem .8rem}
        .error{background:#fdecea;border:1px solid #f5c2c0;border-radius:8px;padding:.5rem .8rem}
        .empty{color:var(--muted)}
        .login{max-width:26rem;margin:3rem auto;background:#fff;border:1px solid var(--line);border-radius:10px;padding:1.2rem}
        .login input{width:100%;margin:.3rem 0 .9rem}
        code{font-size:.85em;background:#f0f2f5;padding:0 .3rem;border-radius:4px}
        .crumbs{font-size:.85rem;color:var(--muted)}
        .pager{display:flex;gap:1rem;margin:.6rem 0}
        .filters a{margin-right:.8rem}
        .filters a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
        @media (max-width:40rem){main{padding:.6rem}th,td{padding:.35rem .45rem}td.wrap{min-width:10rem}.charts{grid-template-columns:1fr}h1{font-size:1.2rem}}
        """

    static let head = """
        <!doctype html>
        <html lang="{{chrome.lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><link rel="icon" href="data:,">
        <title>{{chrome.title}} · MetaSync</title><style>
        """ + css + creativeCSS + audienceCSS + recommendationCSS + """
            </style></head>
            <body>
            <header class="top"><a class="brand" href="/">MetaSync</a>
            {{#chrome.signedIn}}<nav aria-label="Main"><a href="/">Overview</a><a href="/sync-runs">Sync runs</a><a href="/connect">Connect an account</a>
            <form method="post" action="/logout"><button type="submit">Log out</button></form></nav>{{/chrome.signedIn}}
            </header>
            <main>
            {{#chrome.notice}}<p class="notice" role="status">{{chrome.notice}}</p>{{/chrome.notice}}

            """

    static let foot = """
        </main>
        </body></html>

        """

    /// A status: an icon and a word, so it reads without colour; the colour only repeats it.
    static let status = """
        {{#status}}<span class="status s-{{kind}}" data-status="{{code}}"><span aria-hidden="true">{{icon}}</span> {{text}}</span>{{/status}}
        """

    static let gauge = """
        <div class="gauge g-{{kind}}" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{{percent}}" aria-label="{{label}}" \
        title="{{label}}"><span class="bar"><span style="width:{{percent}}%"></span></span><span class="gtext">{{text}}</span></div>
        """

    /// The From/To inputs of a range form (`since`, `until`), ending with a newline.
    static let rangeDates = """
        <label>From<input type="date" name="since" value="{{since}}" required></label>
        <label>To<input type="date" name="until" value="{{until}}" required></label>

        """

    static let performance = """
        <section class="performance" aria-label="Performance">
        <form class="range" method="get">
        {{>rangeDates}}
        <label>Attribution<select name="window" data-window-select>\
        {{#windows}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/windows}}</select></label>
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
        <button type="submit">Show</button>
        </form>
        <p class="presets">{{#presets}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a>{{/presets}}
        <span class="muted" data-range-days="{{days}}">{{rangeText}}</span></p>
        {{#hasData}}
        <dl class="totals">
        {{#totals}}<div><dt>{{label}}</dt><dd data-metric="{{metric}}" data-value="{{value}}">{{text}}</dd></div>{{/totals}}
        </dl>
        <p class="muted">{{sourceNote}}</p>
        <div class="charts">
        {{#charts}}{{>chart}}
        {{/charts}}
        </div>
        {{/hasData}}
        {{^hasData}}<p class="empty" data-empty="performance">{{emptyMessage}}</p>{{/hasData}}
        </section>
        """

    /// A line chart (``SVGChart``) as inline SVG: its title and summary, the axes and one point per value.
    static let chart = """
        <figure class="chart" data-metric="{{metric}}" data-points="{{count}}">
        <figcaption><span>{{title}}</span><span class="muted">{{summary}}</span></figcaption>
        <svg viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{ariaLabel}}" xmlns="http://www.w3.org/2000/svg">
        {{#yTicks}}<line class="grid" x1="{{plotLeft}}" x2="{{plotRight}}" y1="{{y}}" y2="{{y}}"></line>\
        <text x="{{x}}" y="{{y}}" text-anchor="{{anchor}}" dominant-baseline="middle">{{label}}</text>{{/yTicks}}
        <line class="axis" x1="{{plotLeft}}" x2="{{plotRight}}" y1="{{baseline}}" y2="{{baseline}}"></line>
        <polyline class="line" points="{{polyline}}"></polyline>
        {{#points}}<circle class="pt{{#nodata}} nodata{{/nodata}}" cx="{{x}}" cy="{{y}}" r="2.2" data-day="{{day}}" data-value="{{value}}">\
        <title>{{title}}</title></circle>{{/points}}
        {{#xTicks}}<text x="{{x}}" y="{{y}}" text-anchor="{{anchor}}">{{label}}</text>{{/xTicks}}
        </svg></figure>
        """

    static let metrics = """
        <section class="metrics"><h2>{{caption}}</h2>
        {{#hasRows}}<div class="scroll"><table class="metrics-table" data-table="{{kind}}"><thead><tr>
        {{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}{{#ariaSort}} aria-sort="{{ariaSort}}"{{/ariaSort}}>\
        {{#href}}<a href="{{href}}">{{label}}{{#arrow}} <span aria-hidden="true">{{arrow}}</span>{{/arrow}}</a>{{/href}}\
        {{^href}}{{label}}{{/href}}</th>{{/columns}}
        </tr></thead><tbody>
        {{#rows}}<tr data-id="{{id}}"><td class="wrap"><a href="{{href}}">{{name}}</a><div class="muted">{{id}}</div></td><td>{{>status}}</td>\
        {{#cells}}<td class="num" data-metric="{{metric}}" data-value="{{value}}">{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody></table></div>
        {{#note}}<p class="muted">{{note}}</p>{{/note}}{{/hasRows}}
        {{^hasRows}}<p class="empty">{{empty}}</p>{{/hasRows}}
        </section>
        """

    static let runs = """
        {{#hasRuns}}<div class="scroll"><table class="runs" data-table="sync-runs"><thead><tr><th scope="col">Started</th><th scope="col">Kind</th>
        <th scope="col">Account</th><th scope="col">Outcome</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Calls</th>
        <th scope="col" class="num">Rows</th><th scope="col">Error</th></tr></thead><tbody>
        {{#runs}}<tr data-id="{{id}}"><td>{{started}}<div class="muted">{{age}}</div></td><td>{{kind}}</td>
        <td>{{#accountHref}}<a href="{{accountHref}}">{{account}}</a>{{/accountHref}}{{^accountHref}}{{account}}{{/accountHref}}</td>
        <td>{{>status}}</td><td class="num">{{duration}}</td><td class="num" data-metric="calls">{{calls}}</td>
        <td class="num" data-metric="rows" title="{{rowsDetail}}">{{rows}}</td>
        <td class="wrap">{{#error}}<div class="error-message">{{message}}</div>\
        {{#fbtraceID}}<div class="muted">fbtrace_id <code class="fbtrace">{{fbtraceID}}</code></div>{{/fbtraceID}}{{/error}}\
        {{^error}}<span class="muted">—</span>{{/error}}</td></tr>
        {{/runs}}
        </tbody></table></div>{{/hasRuns}}
        {{^hasRuns}}<p class="empty">No sync runs yet. Run <code>metasync sync</code> or wait for the scheduled sync.</p>{{/hasRuns}}
        """

    static let login = """
        {{>head}}
        <section class="login">
        <h1>Sign in to MetaSync</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#enabled}}
        <form method="post" action="/login">
        <label for="api_key">API key</label>
        <input id="api_key" name="api_key" type="password" autocomplete="current-password" required autofocus>
        <input type="hidden" name="next" value="{{next}}">
        <button class="primary" type="submit">Sign in</button>
        </form>
        <p class="muted">Use the server's <code>METASYNC_API_KEY</code>. The session lasts {{sessionHours}} hours; the key itself is never stored \
        in your browser.</p>
        {{/enabled}}
        </section>
        {{>foot}}
        """

    static let overview = """
        {{>head}}
        {{#tokenBanners}}<p class="{{kind}}" role="alert" data-banner="token" data-id="{{id}}">{{text}} \
        <a class="button primary" href="{{href}}">Re-connect</a></p>{{/tokenBanners}}
        <h1>Overview</h1>
        <section class="cards" aria-label="Summary">
        <div class="card" data-card="connections">Connections<b>{{connectionCount}}</b><span class="muted">{{connectionSummary}}</span></div>
        <div class="card" data-card="accounts">Ad accounts<b>{{accountCount}}</b><span class="muted">{{staleSummary}}</span></div>
        <div class="card" data-card="failures">Failed runs, 24 h<b>{{failedRuns}}</b><span class="muted"><a href="/sync-runs?outcome=failed">\
        See failures</a></span></div>
        <div class="card" data-card="dead-letters">Dead-lettered events<b>{{deadLetterCount}}</b><span class="muted">{{queueSummary}}</span></div>
        </section>

        <h2>Connections</h2>
        {{#hasConnections}}<div class="scroll"><table data-table="connections"><thead><tr><th scope="col">Connection</th>
        <th scope="col">Meta user</th><th scope="col">Type</th><th scope="col">Token</th><th scope="col">Expires</th>
        <th scope="col">Call budget (1 h)</th><th scope="col"></th></tr></thead><tbody>
        {{#connections}}<tr data-id="{{id}}"><td><code>{{shortID}}</code></td><td>{{metaUserID}}</td><td>{{tokenType}}</td>
        <td>{{>status}}{{#reason}}<div class="muted">{{reason}}</div>{{/reason}}</td><td>{{expiry}}</td>
        <td>{{#budget}}{{>gauge}}{{/budget}}{{^budget}}<span class="muted">—</span>{{/budget}}</td>
        <td><a class="button{{#urgent}} primary{{/urgent}}" href="/connect">Reconnect</a></td></tr>
        {{/connections}}
        </tbody></table></div>{{/hasConnections}}
        {{^hasConnections}}<p class="empty">No connection yet. <a href="/connect">Connect a Meta ad account</a>.</p>{{/hasConnections}}

        <h2>Ad accounts</h2>
        {{#hasAccounts}}<div class="scroll"><table data-table="accounts"><thead><tr><th scope="col">Account</th><th scope="col">Currency</th>
        <th scope="col">Status</th><th scope="col">Last successful sync</th><th scope="col">API usage (headers)</th>
        <th scope="col">Call budget (1 h)</th></tr></thead><tbody>
        {{#accounts}}<tr data-id="{{id}}"><td class="wrap"><a href="{{href}}">{{name}}</a><div class="muted">{{id}}</div></td><td>{{currency}}</td>
        <td>{{>status}}</td><td>{{#lastSync}}{{lastSync}}<div class="muted">{{lastSyncAge}}</div>{{/lastSync}}\
        {{^lastSync}}<span class="status s-bad"><span aria-hidden="true">✗</span> never</span>{{/lastSync}}</td>
        <td>{{#usage}}{{>gauge}}{{/usage}}{{^usage}}<span class="muted">no calls yet</span>{{/usage}}{{#paused}}<div class="muted">{{paused}}</div>{{/paused}}</td>
        <td>{{#budget}}{{>gauge}}{{/budget}}{{^budget}}<span class="muted">—</span>{{/budget}}</td></tr>
        {{/accounts}}
        </tbody></table></div>{{/hasAccounts}}
        {{^hasAccounts}}<p class="empty">No ad account synced yet.</p>{{/hasAccounts}}

        <h2>Recent sync runs</h2>
        {{>runs}}
        <p><a href="/sync-runs">All sync runs</a> · <a href="/sync-runs?outcome=failed">Failures only</a></p>

        <h2>Dead-lettered webhook events</h2>
        {{#hasDeadLetters}}<div class="scroll"><table data-table="dead-letters"><thead><tr><th scope="col">Item</th><th scope="col">Event</th>
        <th scope="col">Objects</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th><th scope="col">Since</th></tr></thead><tbody>
        {{#deadLetters}}<tr data-id="{{id}}"><td>{{id}}</td><td>{{event}}</td><td class="wrap">{{targets}}</td><td class="num">{{attempts}}</td>
        <td class="wrap">{{lastError}}</td><td>{{updated}}</td></tr>
        {{/deadLetters}}
        </tbody></table></div>
        <p class="muted">Requeue one with <code>POST /api/dead-letters/ID/retry</code>.</p>{{/hasDeadLetters}}
        {{^hasDeadLetters}}<p class="empty"><span aria-hidden="true">✓</span> No dead-lettered events.</p>{{/hasDeadLetters}}
        {{>foot}}
        """

    static let account = """
        {{>head}}
        <p class="crumbs"><a href="/">Overview</a> › {{name}}</p>
        <h1>{{name}}</h1>
        <p class="meta">{{id}} · {{currency}} · {{timezone}} · {{>status}}</p>
        <p><a href="/accounts/{{id}}/creatives" data-link="creatives">Creative gallery</a> · \
        <a href="/accounts/{{id}}/audience" data-link="audience">Audience</a> · \
        <a href="/accounts/{{id}}/recommendations" data-link="recommendations">Recommendations</a></p>
        {{#performance}}{{>performance}}{{/performance}}
        {{#table}}{{>metrics}}{{/table}}
        {{>foot}}
        """

    /// A campaign, ad set or ad: its chart, its status, and (except for ads) its children.
    static let object = """
        {{>head}}
        <p class="crumbs">{{#crumbs}}<a href="{{href}}">{{label}}</a> › {{/crumbs}}{{name}}</p>
        <h1>{{name}}</h1>
        <p class="meta">{{kindLabel}} {{id}} · {{>status}}{{#details}} · {{.}}{{/details}}</p>
        {{#creative}}<section aria-label="Creative"><h2>Creative</h2>{{>creativeCard}}</section>{{/creative}}
        {{#performance}}{{>performance}}{{/performance}}
        {{#table}}{{>metrics}}{{/table}}
        {{>foot}}
        """

    static let syncRuns = """
        {{>head}}
        <h1>Sync runs</h1>
        <p class="filters">{{#filters}}<a href="{{href}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a>{{/filters}}</p>
        {{>runs}}
        <p class="pager">{{#newerHref}}<a href="{{newerHref}}">← Newer</a>{{/newerHref}}{{#olderHref}}<a href="{{olderHref}}">Older →</a>{{/olderHref}}</p>
        {{>foot}}
        """

    static let message = """
        {{>head}}
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        {{#link}}<p><a href="{{href}}">{{label}}</a></p>{{/link}}
        {{>foot}}
        """
}
