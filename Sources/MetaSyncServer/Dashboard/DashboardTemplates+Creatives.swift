extension DashboardTemplates {
    /// One creative: its picture (a plain `<img>` with alt text; Meta's CDN URLs may not load offline), headline, body
    /// excerpt, call to action, figures and its destination with UTM tags.
    static let creativeCard = """
        <article class="creative" data-id="{{id}}" data-format="{{format}}">
        {{#previewURL}}<img class="thumb" src="{{previewURL}}" alt="{{alt}}" width="160" height="160" loading="lazy">{{/previewURL}}\
        {{^previewURL}}<div class="thumb none" role="img" aria-label="{{alt}}">{{format}}</div>{{/previewURL}}
        <div class="cbody"><h3 class="headline">{{headline}}</h3>
        {{#excerpt}}<p class="excerpt">{{excerpt}}</p>{{/excerpt}}
        <p class="muted">{{#cta}}<span class="cta" data-cta="{{cta}}">{{ctaLabel}}</span> · {{/cta}}{{format}} · {{name}} · <code>{{id}}</code></p>
        {{#figures}}<dl class="cfig">{{#items}}<div><dt>{{label}}</dt><dd data-metric="{{metric}}" data-value="{{value}}">{{text}}</dd></div>{{/items}}</dl>{{/figures}}
        {{#link}}<p class="clink"><a href="{{link}}" rel="noopener noreferrer nofollow" data-utm="{{hasUTM}}">{{linkLabel}}</a></p>{{/link}}
        {{#hasAds}}<p class="muted">Used by {{#ads}}<a href="{{href}}">{{label}}</a> {{/ads}}</p>{{/hasAds}}
        </div></article>
        """

    /// `GET /accounts/{id}/creatives`: the gallery, sortable by spend, CTR, CPA and ROAS.
    static let creatives = """
        {{>head}}
        <p class="crumbs"><a href="/">Overview</a> › <a href="{{accountHref}}">{{accountName}}</a> › Creatives</p>
        <h1>Creatives of {{accountName}}</h1>
        <form class="range" method="get">
        {{>rangeDates}}
        <input type="hidden" name="sort" value="{{sort}}"><input type="hidden" name="dir" value="{{dir}}">
        <button type="submit">Show</button>
        </form>
        <nav class="sortbar" aria-label="Sort creatives">Sort by {{#sorts}}<a href="{{href}}" data-sort="{{key}}"\
        {{#current}} aria-current="true"{{/current}}>{{label}}{{#arrow}} <span aria-hidden="true">{{arrow}}</span>{{/arrow}}</a> {{/sorts}}</nav>
        <p class="muted">{{note}}</p>
        {{#hasCreatives}}<section class="gallery" aria-label="Creatives">
        {{#cards}}{{>creativeCard}}{{/cards}}
        </section>{{/hasCreatives}}
        {{^hasCreatives}}<p class="empty" data-empty="creatives">No creative is stored for this account yet. Run <code>metasync sync</code>.</p>\
        {{/hasCreatives}}
        {{>foot}}
        """

    /// Styles of the gallery and cards (appended to the page's style sheet).
    static let creativeCSS = """
        .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,17rem),1fr));gap:.8rem}
        .creative{display:flex;gap:.7rem;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem;margin:.6rem 0}
        .gallery .creative{margin:0;flex-direction:column}
        .creative .thumb{width:160px;height:160px;object-fit:cover;border-radius:6px;background:#e4e6eb;flex:none;
        display:flex;align-items:center;justify-content:center;color:var(--muted);font-size:.8rem;overflow:hidden}
        .gallery .creative .thumb{width:100%;height:auto;aspect-ratio:1.91/1}
        .creative .cbody{min-width:0;flex:1} .creative h3{font-size:1rem;margin:0 0 .3rem}
        .creative .excerpt{margin:.2rem 0;overflow-wrap:anywhere} .creative .muted{overflow-wrap:anywhere}
        .clink{overflow-wrap:anywhere;font-size:.85rem}
        .cfig{display:grid;grid-template-columns:repeat(auto-fit,minmax(4.2rem,1fr));gap:.3rem;margin:.4rem 0}
        .cfig div{background:var(--bg);border-radius:6px;padding:.2rem .4rem} .cfig dt{font-size:.75rem;color:var(--muted)}
        .cfig dd{margin:0;font-variant-numeric:tabular-nums;white-space:nowrap}
        .cta{border:1px solid var(--line);border-radius:4px;padding:0 .3rem} .sortbar a{margin-right:.6rem}
        .sortbar a[aria-current]{font-weight:700}
        @media (max-width:40rem){.creative{flex-direction:column}.creative .thumb{width:100%;height:auto;aspect-ratio:1.91/1}}
        """
}
