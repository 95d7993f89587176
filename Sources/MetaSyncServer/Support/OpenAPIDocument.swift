/// The OpenAPI 3.0 document served at `/openapi.yaml`. A test checks that every registered route is in it and that it
/// documents no route that does not exist.
///
/// Operations that share one shape (the paged lists, the methods of `/api/recommendations/settings`) are written once by
/// the helpers below the document and interpolated into it at its left edge.
enum OpenAPIDocument {
    static let yaml = #"""
        openapi: 3.0.3
        info:
          title: MetaSync
          version: 0.1.0
          description: |
            MetaSync mirrors Meta (Facebook) advertising data into SQL. This server runs the OAuth connect flow,
            receives Meta's webhooks and platform callbacks, and serves a read API over the mirrored data.
            Every /api route needs `Authorization: Bearer <METASYNC_API_KEY>`; with no key configured the API
            refuses every request. Wrong keys are limited per client address and per key prefix: once the limit is
            reached every attempt gets 429 with Retry-After. Errors are JSON: {"error": {"code": "...", "message": "..."}}.
            A missing required parameter is 400 missing_parameter (the message names it and shows how to pass it), a
            parameter with a value the operation cannot use is 400 invalid_parameter (the message says what is allowed).
            A method a known path does not serve is 405 method_not_allowed with an Allow header listing the methods it
            does serve.
        servers:
          - url: /
        tags:
          - name: operations
          - name: oauth
          - name: webhooks
          - name: api
        paths:
          /health:
            get:
              tags: [operations]
              summary: Status and readiness per check, without identifiers (public). Details are at /api/health.
              responses:
                "200": {description: The database answers (status ok or degraded)., content: {application/json: {schema: {$ref: "#/components/schemas/HealthSummary"}}}}
                "503": {description: The database is unreachable., content: {application/json: {schema: {$ref: "#/components/schemas/HealthSummary"}}}}
          /metrics:
            get:
              tags: [operations]
              summary: Prometheus metrics (HTTP, Graph, webhooks, queue, refreshes, auth failures); no identifiers in labels.
              description: Public by default; with --metrics-require-api-key it needs the API key like /api.
              responses:
                "200": {description: Prometheus text exposition format 0.0.4., content: {text/plain: {schema: {type: string}}}}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /openapi.yaml:
            get:
              tags: [operations]
              summary: This document.
              responses:
                "200": {description: OpenAPI 3.0 YAML., content: {application/yaml: {schema: {type: string}}}}
          /connect:
            get:
              tags: [oauth]
              summary: Start connecting an ad account - redirects to Meta's login dialog with a fresh single-use state bound to the dashboard session.
              description: Needs the dashboard session cookie (sign in at /login). Scripts use POST /api/connect instead.
              responses:
                "302": {description: Redirect to the login dialog.}
                "303": {description: "No valid session and the client accepts HTML: redirect to /login?next=/connect."}
                "401": {description: No valid session (non-browser client)., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "503": {description: No app id or secret configured (HTML page).}
          /oauth/callback:
            get:
              tags: [oauth]
              summary: Login dialog return - checks state, exchanges the code, stores the connection, redirects to the dashboard.
              parameters:
                - {name: code, in: query, schema: {type: string}}
                - {name: state, in: query, required: true, schema: {type: string}}
                - {name: error, in: query, schema: {type: string}}
                - {name: error_reason, in: query, schema: {type: string}}
                - {name: error_description, in: query, schema: {type: string}}
              responses:
                "303": {description: Connected; redirect to the dashboard.}
                "400": {description: "Missing, unknown, replayed or expired state, or no code (HTML page)."}
                "403": {description: "The user denied consent, or the state belongs to another dashboard session (or none: sign in first) (HTML page)."}
                "502": {description: Meta refused the code or the token exchange (HTML page).}
          /webhooks/meta:
            get:
              tags: [webhooks]
              summary: Webhook subscription verification.
              parameters:
                - {name: hub.mode, in: query, required: true, schema: {type: string, enum: [subscribe]}}
                - {name: hub.verify_token, in: query, required: true, schema: {type: string}}
                - {name: hub.challenge, in: query, required: true, schema: {type: string}}
              responses:
                "200": {description: The challenge echoed as text/plain., content: {text/plain: {schema: {type: string}}}}
                "403": {description: Wrong or missing verify token or mode., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
            post:
              tags: [webhooks]
              summary: Change notifications, signed with X-Hub-Signature-256; stored, queued and acknowledged at once.
              parameters:
                - {name: X-Hub-Signature-256, in: header, required: true, schema: {type: string, example: "sha256=..."}}
              requestBody:
                required: true
                content: {application/json: {schema: {$ref: "#/components/schemas/WebhookNotification"}}}
              responses:
                "200": {description: Stored and queued., content: {application/json: {schema: {type: object, properties: {stored: {type: integer}, duplicates: {type: integer}}}}}}
                "400": {description: Valid signature but not a notification., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "401": {description: No signature header., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "403": {description: "Malformed or wrong signature, or no app secret configured.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "413": {description: Body larger than the limit (1 MiB by default)., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /meta/deauthorize:
            post:
              tags: [webhooks]
              summary: Deauthorize callback - verifies signed_request, deletes the user's connections, tokens and synced data.
              requestBody: {$ref: "#/components/requestBodies/SignedRequest"}
              responses:
                "200": {$ref: "#/components/responses/Deletion"}
                "400": {$ref: "#/components/responses/BadSignedRequest"}
                "403": {description: Bad signature or algorithm., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /meta/data-deletion:
            post:
              tags: [webhooks]
              summary: Data deletion callback - verifies signed_request, deletes the user's data, answers a status URL and code.
              requestBody: {$ref: "#/components/requestBodies/SignedRequest"}
              responses:
                "200": {$ref: "#/components/responses/Deletion"}
                "400": {$ref: "#/components/responses/BadSignedRequest"}
                "403": {description: Bad signature or algorithm., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /meta/data-deletion/status:
            get:
              tags: [webhooks]
              summary: Human-readable status of a deletion request.
              parameters:
                - {name: code, in: query, required: true, schema: {type: string}}
              responses:
                "200": {description: HTML page saying what was deleted and when.}
                "404": {description: Unknown confirmation code (HTML page).}
          /api/health:
            get:
              tags: [api]
              summary: Database reachability, connection statuses, call budget and usage per account, webhook queue.
              security: [{apiKey: []}]
              responses:
                "200": {description: The database answers (status ok or degraded)., content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
                "503": {description: The database is unreachable., content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/connect:
            post:
              tags: [api, oauth]
              summary: Start connecting an ad account from a script - returns the login dialog URL with a fresh single-use state.
              description: Open authorize_url in a browser before expires_at; the state is the capability (single use), no session needed.
              security: [{apiKey: []}]
              responses:
                "200": {description: The login dialog URL., content: {application/json: {schema: {type: object, properties: {authorize_url: {type: string}, expires_at: {type: string, format: date-time}}}}}}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "503": {description: No app id or secret configured., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/connections:
            get:
              tags: [api]
              summary: Connected Meta users (never a token or ciphertext).
              security: [{apiKey: []}]
              responses:
                "200": {description: The connections., content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/Connection"}}}}}}}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "403": {$ref: "#/components/responses/Disabled"}
          /api/accounts:
        \#(Self.pagedList(
            summary: "Ad accounts.",
            item: "AdAccount",
            parameters: [
                "{name: connection_id, in: query, schema: {type: string}}",
                #"{name: account_id, in: query, schema: {type: string}, description: "act_<n> or <n>"}"#,
            ]
        ))
          /api/campaigns:
        \#(Self.pagedList(summary: "Campaigns, ordered by id.", item: "Campaign", parameters: [Self.parameter("account"), Self.parameter("status")]))
          /api/adsets:
        \#(Self.pagedList(
            summary: "Ad sets, ordered by id.",
            item: "AdSet",
            parameters: [
                Self.parameter("account"),
                "{name: campaign_id, in: query, schema: {type: string}}",
                "{name: parent_id, in: query, schema: {type: string}, description: The parent campaign.}",
                Self.parameter("status"),
            ]
        ))
          /api/ads:
        \#(Self.pagedList(
            summary: "Ads, ordered by id.",
            item: "Ad",
            parameters: [
                Self.parameter("account"),
                "{name: campaign_id, in: query, schema: {type: string}}",
                "{name: adset_id, in: query, schema: {type: string}}",
                "{name: parent_id, in: query, schema: {type: string}, description: The parent ad set.}",
                Self.parameter("status"),
            ]
        ))
          /api/insights:
            get:
              tags: [api]
              summary: Insights rows (performance_snapshots), ordered by day, each with its conversions, CPA and ROAS under one attribution window.
              description: |
                The account, campaign, ad set and ad performance endpoint (choose with `level`). Every row carries
                `conversions` for the `window` asked for (from the view performance_conversions; null when the window was
                not synced for the row, or for rows synced before schema version 13 when Graph reported no action under
                it): purchases (omni_purchase, else offsite_conversion.fb_pixel_purchase, else
                purchase, never summed), purchase value, cost per purchase, ROAS, leads and cost per lead, and
                `conversions` / `conversion_value` / `cpa` for the server's primary conversion (sync.primary_conversion).
              security: [{apiKey: []}]
              parameters:
                - {name: level, in: query, schema: {type: string, enum: [account, campaign, adset, ad]}}
                - {name: object_id, in: query, schema: {type: string}}
                - {$ref: "#/components/parameters/account"}
                - {name: since, in: query, schema: {type: string, format: date}}
                - {name: until, in: query, schema: {type: string, format: date}}
                - {name: window, in: query, description: "Attribution window of `conversions`: default (each ad set's own attribution setting, as in Ads Manager) or a synced window.", schema: {type: string, default: default, enum: [default, 1d_click, 7d_click, 28d_click, 1d_view, 1d_ev, dda]}}
                - {$ref: "#/components/parameters/limit"}
                - {$ref: "#/components/parameters/cursor"}
              responses:
                "200":
                  description: A page of insights rows with their conversions.
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          data: {type: array, items: {$ref: "#/components/schemas/InsightRow"}}
                          paging: {type: object, properties: {next_cursor: {type: string, nullable: true}, limit: {type: integer}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/creatives:
            get:
              tags: [api]
              summary: Creatives of an ad account ranked by their ads' spend, ROAS, CPA or CTR over a date range.
              description: |
                Sums the ad-level daily insights of every stored ad using each creative. Money and ratios are exact
                decimal strings; ctr is in percent; cpa, roas and ctr are left out without purchases, spend or impressions. Purchases use
                Meta's purchase action types (omni_purchase, else offsite_conversion.fb_pixel_purchase, else purchase).
              security: [{apiKey: []}]
              parameters:
                - {name: account_id, in: query, required: true, schema: {type: string}, description: act_<n> or <n>.}
                - {name: since, in: query, schema: {type: string, format: date}, description: Default 27 days before until.}
                - {name: until, in: query, schema: {type: string, format: date}, description: "Default the latest day with insights, but never today in the account's time zone (a partial day): yesterday at the latest."}
                - {name: sort, in: query, schema: {type: string, enum: [spend, roas, cpa, ctr], default: spend}}
                - {name: dir, in: query, schema: {type: string, enum: [asc, desc], default: desc}}
                - {$ref: "#/components/parameters/limit"}
                - {$ref: "#/components/parameters/cursor"}
              responses:
                "200": {description: One page of creatives., content: {application/json: {schema: {$ref: "#/components/schemas/CreativePage"}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: The account is not stored., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/reports/{name}:
            get:
              tags: [api]
              summary: A breakdown report (age_gender, country, region, placement, device, monthly_reach or a custom one) of an ad account.
              description: |
                Rows of performance_snapshots with report = name (paged, ordered by day, object and breakdown_key), each with
                its purchases, purchase_value and leads under the default window, plus totals per bucket (breakdown_key; for a
                report without breakdowns, per period) over the whole range with spend, conversions (sync.primary_conversion),
                cpa and roas. Money and ratios are exact decimal strings. Reach summed over objects or periods is an upper bound.
              security: [{apiKey: []}]
              parameters:
                - {name: name, in: path, required: true, schema: {type: string}, description: Built-in or custom report name.}
                - {name: account_id, in: query, required: true, schema: {type: string}, description: act_<n> or <n>.}
                - {name: since, in: query, schema: {type: string, format: date}, description: "Default 27 days before until (364 for monthly_reach); on date_start."}
                - {name: until, in: query, schema: {type: string, format: date}, description: "Default the latest day with insights, but never today in the account's time zone (a partial day): yesterday at the latest."}
                - {name: level, in: query, schema: {type: string, enum: [account, campaign, adset, ad]}, description: Default the report's level (ad; campaign for monthly_reach).}
                - {$ref: "#/components/parameters/limit"}
                - {$ref: "#/components/parameters/cursor"}
              responses:
                "200": {description: One page of report rows and the totals., content: {application/json: {schema: {$ref: "#/components/schemas/ReportPage"}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: "The account is not stored, or the name is neither a built-in report nor one stored for the account (the message lists the known ones).", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/sync-runs:
            get:
              tags: [api]
              summary: Recent sync runs, newest first.
              security: [{apiKey: []}]
              parameters:
                - {name: account_id, in: query, schema: {type: string}, description: act_<n> or <n>.}
                - {$ref: "#/components/parameters/limit"}
              responses:
                "200": {description: The runs., content: {application/json: {schema: {type: object, required: [data], properties: {data: {type: array, items: {$ref: "#/components/schemas/SyncRun"}}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/rate-limits:
            get:
              tags: [api]
              summary: "Meta's limits as this process sees them: per ad account and business use case (usage %, pause, calls in the last hour), and app- or user-wide pauses."
              security: [{apiKey: []}]
              responses:
                "200":
                  description: The usage and pauses.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [app_usage_percent, users_paused_until, data]
                        properties:
                          app_usage_percent: {type: number}
                          app_paused_until: {type: string, format: date-time}
                          users_paused_until: {type: object, additionalProperties: {type: string, format: date-time}}
                          data:
                            type: array
                            items:
                              type: object
                              required: [account_id, usage_percent, calls_last_hour]
                              properties:
                                account_id: {type: string}
                                use_case: {type: string, description: "ads_insights, ads_management, ...; absent for the account-wide score"}
                                usage_percent: {type: number}
                                paused_until: {type: string, format: date-time}
                                pause_reason: {type: string}
                                calls_last_hour: {type: integer}
                                updated_at: {type: string, format: date-time}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/recommendations:
            get:
              tags: [api]
              summary: Optimization recommendations of an ad account, ranked by estimated impact per day (see docs/recommendations.md).
              security: [{apiKey: []}]
              parameters:
                - {name: account_id, in: query, required: true, schema: {type: string}, description: act_<n> or <n>.}
                - {name: kind, in: query, schema: {type: string, enum: [zero_delivery, creative_fatigue, cpa_above_target, roas_below_target, scale_winner, tracking_break, budget_pacing, spend_anomaly, underperformer, delivery_issue, learning_limited, meta_recommendation]}}
                - {name: severity, in: query, schema: {type: string, enum: [high, medium, low]}}
                - {name: status, in: query, description: Every status when absent., schema: {type: string, enum: [open, resolved, dismissed, applied]}}
                - {$ref: "#/components/parameters/limit"}
              responses:
                "200": {description: The recommendations., content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/Recommendation"}}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: The account is not stored., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/accounts/{id}/opportunity-score:
            get:
              tags: [api]
              summary: "Meta's opportunity score of an ad account (with its history), Meta's live recommendations (object `recommendations` fields and /act_<id>/recommendations items) and the latest creative_fatigue level per ad."
              security: [{apiKey: []}]
              parameters:
                - {name: id, in: path, required: true, schema: {type: string}, description: act_<n> or <n>.}
              responses:
                "200":
                  description: What Meta says about the account.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [account_id, history, recommendations, creative_fatigue]
                        properties:
                          account_id: {type: string}
                          opportunity_score: {type: number, description: 0-100; absent when Meta never sent one.}
                          history: {type: array, items: {type: object, properties: {score: {type: number}, recorded_at: {type: string, format: date-time}}}}
                          recommendations:
                            type: array
                            items:
                              type: object
                              properties:
                                level: {type: string, enum: [account, campaign, adset, ad]}
                                object_id: {type: string}
                                source: {type: string, enum: [object, account]}
                                code: {type: string}
                                title: {type: string}
                                message: {type: string}
                                importance: {type: string}
                                confidence: {type: string}
                                points: {type: number}
                                object_ids: {type: array, items: {type: string}}
                                first_seen_at: {type: string, format: date-time}
                                last_seen_at: {type: string, format: date-time}
                          creative_fatigue: {type: array, items: {type: object, properties: {ad_id: {type: string}, level: {type: string}, message: {type: string}, received_at: {type: string, format: date-time}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: The account is not stored., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/ad-rules:
            get:
              tags: [api]
              summary: Meta Automated Rules of an ad account (the read-only mirror of /act_X/adrules_library, table ad_rules), with whether each acts on objects.
              security: [{apiKey: []}]
              parameters:
                - {name: account_id, in: query, required: true, schema: {type: string}, description: act_<n> or <n>.}
                - {$ref: "#/components/parameters/limit"}
              responses:
                "200": {description: "The rules, ordered by id.", content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/AdRule"}}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: The account is not stored., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/recommendations/settings:
            get:
              tags: [api]
              summary: "The effective thresholds and targets of an account or campaign, each with its source (default, toml, env, api) and level (default, global, account, campaign). Precedence: campaign > account > all accounts > default; at a level, values set through this API win over metasync.toml."
              security: [{apiKey: []}]
        \#(Self.settingsScope)
        \#(Self.settingsResponses)
            put:
              tags: [api]
              summary: "Set values for the account or campaign (other values stay), stored in recommendation_settings and read by every evaluation. Numbers; \"off\" switches target_cpa / target_roas off. Per campaign only: target_cpa, target_roas, cpa_above_factor, roas_below_factor, scale_winner_factor, target_probability, stop_loss_multiple, scale_min_budget_use, anomaly_z, anomaly_min_relative_change, anomaly_min_spend, anomaly_min_conversions, anomaly_cpa_tail. An unknown key, a wrong type or a value out of range answers 400 naming the key; nothing is stored then."
              security: [{apiKey: []}]
        \#(Self.settingsScope)
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {type: object, additionalProperties: {oneOf: [{type: number}, {type: string, enum: ["off"]}]}, example: {target_cpa: 25, target_roas: "off"}}
        \#(Self.settingsResponses)
            delete:
              tags: [api]
              summary: Remove values set through this API for the account or campaign (only the given keys when key is present); the metasync.toml or default value applies again.
              security: [{apiKey: []}]
              parameters:
                - {name: account_id, in: query, required: true, schema: {type: string}}
                - {name: campaign_id, in: query, schema: {type: string}}
                - {name: key, in: query, schema: {type: string}, description: Comma-separated or repeated setting names.}
        \#(Self.settingsResponses)
          /api/recommendations/{id}/dismiss:
            post:
              tags: [api]
              summary: Dismiss a recommendation; it stays dismissed until its evidence changes materially.
              security: [{apiKey: []}]
              parameters:
                - {name: id, in: path, required: true, schema: {type: integer}}
              responses:
                "200": {description: The dismissed recommendation., content: {application/json: {schema: {$ref: "#/components/schemas/Recommendation"}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: No such recommendation., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/recommendations/{id}/apply:
            post:
              tags: [api]
              summary: "Show (without confirm) or make (with {\"confirm\": true}) the Graph write of a recommendation: pause, or a daily budget change capped at scale_budget_step with a cooldown per object; recorded in audit_log."
              security: [{apiKey: []}]
              parameters:
                - {name: id, in: path, required: true, schema: {type: integer}}
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        confirm: {type: boolean, description: "Make the write; without it only the planned write is returned. A body that is neither empty nor this JSON is a 400 (invalid_body)."}
                        force: {type: boolean, description: "Act even though an active Meta Automated Rule already acts on the object (otherwise 400 with code rule_conflict, naming the rule)."}
              responses:
                "200":
                  description: The planned write, and whether it was made.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [applied, request, before, after]
                        properties:
                          applied: {type: boolean}
                          request: {type: string, description: "e.g. POST /120200000000101 status=PAUSED"}
                          before: {type: object, additionalProperties: {type: string}}
                          after: {type: object, additionalProperties: {type: string}}
                          audit_log_id: {type: integer}
                          graph_response_id: {type: string}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: No such recommendation., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "413": {description: Body over 16 KiB., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "502": {description: "The write failed (code graph_write_failed; Meta's or the connection's reason in the message); recorded in audit_log, the recommendation is unchanged.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "503": {description: This server cannot write to Graph., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
          /api/webhook-events:
        \#(Self.pagedList(
            summary: "Received webhook events, newest first.",
            item: "WebhookEvent",
            parameters: [
                "{name: status, in: query, schema: {type: string, enum: [received, queued, processed, ignored, failed]}}",
                "{name: field, in: query, schema: {type: string}}",
            ]
        ))
          /api/dead-letters:
            get:
              tags: [api]
              summary: Webhook queue items that failed every attempt.
              security: [{apiKey: []}]
              parameters:
                - {$ref: "#/components/parameters/limit"}
              responses:
                "200": {description: The dead letters., content: {application/json: {schema: {type: object, required: [data], properties: {data: {type: array, items: {$ref: "#/components/schemas/DeadLetter"}}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/dead-letters/{id}/retry:
            post:
              tags: [api]
              summary: Put a dead letter back in the queue with fresh attempts.
              security: [{apiKey: []}]
              parameters:
                - {name: id, in: path, required: true, schema: {type: integer}}
              responses:
                "202": {description: Requeued., content: {application/json: {schema: {type: object, properties: {status: {type: string, enum: [requeued]}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "404": {description: No dead letter with this id., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
          /api/sync:
            post:
              tags: [api]
              summary: Trigger a sync of a connection or an ad account.
              security: [{apiKey: []}]
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        connection_id: {type: string}
                        account_id: {type: string}
                        full: {type: boolean, default: false}
              responses:
                "202": {description: "Queued (already_queued: the same request is still waiting to run).", content: {application/json: {schema: {type: object, properties: {status: {type: string, enum: [accepted, already_queued]}, run_id: {type: string}}}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: Unknown connection or account., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
                "503": {description: Syncing is not available in this server., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        components:
          securitySchemes:
            apiKey: {type: http, scheme: bearer}
          parameters:
            limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 100}}
            cursor: {name: cursor, in: query, schema: {type: string}, description: paging.next_cursor of the previous page.}
            account: {name: account_id, in: query, schema: {type: string}, description: "act_<n> or <n>; repeat or comma-separate for several."}
            status: {name: status, in: query, schema: {type: string}, description: "effective_status values, comma-separated (ACTIVE,PAUSED,...)."}
          requestBodies:
            SignedRequest:
              required: true
              content:
                application/x-www-form-urlencoded:
                  schema: {type: object, required: [signed_request], properties: {signed_request: {type: string}}}
          responses:
            BadRequest:
              description: "A required parameter is missing (code missing_parameter), a parameter has a value the operation cannot use (invalid_parameter) or the cursor is not valid (invalid_cursor)."
              content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
            Unauthorized:
              description: Missing or wrong API key.
              content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
            TooManyAttempts:
              description: Too many failed authentication attempts from this client address or with this key prefix; wait Retry-After seconds.
              headers: {Retry-After: {schema: {type: integer}}}
              content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
            BadSignedRequest:
              description: Missing or malformed signed_request, or a stale one (issued_at missing, older than the allowed age, or in the future; code stale_signed_request).
              content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
            Disabled:
              description: No API key configured on the server.
              content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
            Deletion:
              description: Deleted (or a repeat of an already answered request - the same code, nothing deleted again); where to see the status.
              content: {application/json: {schema: {type: object, properties: {url: {type: string}, confirmation_code: {type: string}}}}}
          schemas:
            AdRule:
              type: object
              required: [id, account_id, acts]
              properties:
                id: {type: string}
                account_id: {type: string}
                name: {type: string}
                status: {type: string, description: "ENABLED, DISABLED or DELETED"}
                evaluation_spec: {type: object, description: "As Graph sent it (evaluation_type, filters, trigger)."}
                execution_spec: {type: object, description: "As Graph sent it (execution_type, execution_options)."}
                schedule_spec: {type: object, description: "As Graph sent it (schedule_type, schedule)."}
                created_time: {type: string, format: date-time}
                updated_time: {type: string, format: date-time}
                acts: {type: boolean, description: "Enabled and changes objects (not a notification): recommendations on objects in its scope carry a rule_note and apply refuses them unless forced."}
                synced_at: {type: string, format: date-time}
            RecommendationSettings:
              type: object
              required: [account_id, campaign_id, settings, overrides]
              properties:
                account_id: {type: string, description: act_<n>}
                campaign_id: {type: string, nullable: true}
                settings:
                  type: array
                  items:
                    type: object
                    required: [key, value, source, level, per_campaign]
                    properties:
                      key: {type: string, description: "As in metasync.toml, e.g. target_cpa"}
                      value: {type: number, nullable: true, description: null for a target that is off.}
                      source: {type: string, enum: [default, toml, env, api]}
                      level: {type: string, enum: [default, global, account, campaign]}
                      per_campaign: {type: boolean, description: Whether the key can be set per campaign.}
                overrides: {type: object, additionalProperties: {type: string}, description: "The values set through the API on exactly this scope (25, 0.2, off)."}
            Recommendation:
              type: object
              required: [id, account_id, level, object_id, kind, severity, status, title, first_seen_at, updated_at]
              properties:
                id: {type: integer}
                account_id: {type: string}
                level: {type: string, enum: [account, campaign, adset, ad]}
                object_id: {type: string}
                kind: {type: string}
                severity: {type: string, enum: [high, medium, low]}
                status: {type: string, enum: [open, resolved, dismissed, applied]}
                title: {type: string}
                evidence:
                  type: object
                  description: The numbers, windows and thresholds that fired, and a daily series for a chart.
                  properties:
                    signal: {type: number}
                    windows: {type: object, additionalProperties: {type: string}}
                    metrics: {type: object, additionalProperties: {type: number}}
                    thresholds: {type: object, additionalProperties: {type: number}}
                    series: {type: array, items: {type: object, properties: {day: {type: string, format: date}, values: {type: object, additionalProperties: {type: number}}}}}
                    meta: {type: object, additionalProperties: {type: string}, description: "Meta's own words: code, title, message, importance, first_seen_at, last_seen_at (meta_recommendation); meta_fatigue_level, meta_fatigue_received_at (creative_fatigue, from Meta's creative_fatigue webhook)."}
                    rules: {type: array, description: Active Meta Automated Rules that already act on the object (absent when none)., items: {type: object, properties: {id: {type: string}, name: {type: string}, status: {type: string}, execution_type: {type: string}, entity_type: {type: string}, id_filters: {type: object, additionalProperties: {type: array, items: {type: string}}}}}}
                    labels: {type: object, additionalProperties: {type: string}, description: "Facts that are not numbers: metric of a spend_anomaly (spend, cpa, spend,cpa); target_cpa_source / target_roas_source of the target rules, e.g. campaign (api)."}
                action:
                  type: object
                  properties:
                    operation: {type: string, enum: [pause, budget_change, refresh_creative, check_delivery, check_tracking, investigate, fix_learning]}
                    level: {type: string}
                    object_id: {type: string}
                    budget_change_percent: {type: number}
                    note: {type: string}
                    rule_note: {type: string, description: Set when an active Meta Automated Rule already acts on the object; apply refuses it unless forced.}
                estimated_impact: {type: number, description: Money per day at stake in the account currency (major units).}
                currency: {type: string}
                first_seen_at: {type: string, format: date-time}
                updated_at: {type: string, format: date-time}
                resolved_at: {type: string, format: date-time}
            Conversions:
              type: object
              nullable: true
              description: One row of the view performance_conversions (null when the row has no data under the window). Decimals are strings; ratios have 4 decimal places and are null when the divisor is 0.
              properties:
                window: {type: string, example: 7d_click}
                attribution_setting: {type: string, nullable: true}
                primary_conversion: {type: string, enum: [purchase, lead]}
                conversions: {type: string, description: Purchases or leads (the primary conversion).}
                conversion_value: {type: string, nullable: true, description: Purchase value (null for leads).}
                cpa: {type: string, nullable: true, description: Spend per primary conversion.}
                roas: {type: string, nullable: true, description: Purchase value per unit of spend.}
                purchases: {type: string}
                purchase_value: {type: string, nullable: true}
                cost_per_purchase: {type: string, nullable: true}
                leads: {type: string}
                cost_per_lead: {type: string, nullable: true}
            Error:
              type: object
              properties:
                error: {type: object, properties: {code: {type: string}, message: {type: string}}}
            Paging:
              type: object
              required: [limit]
              properties:
                next_cursor: {type: string, nullable: true, description: Absent on the last page.}
                limit: {type: integer}
            Connection:
              type: object
              properties:
                id: {type: string}
                meta_user_id: {type: string}
                app_id: {type: string, nullable: true}
                token_type: {type: string}
                status: {type: string, enum: [active, expiring, expired, revoked], description: "Judged now: expiring when the token or its data access ends within the warning period (token.expiring_days, default 7)"}
                status_reason: {type: string, nullable: true}
                renew_by: {type: string, format: date-time, nullable: true, description: "The earlier of expires_at and data_access_expires_at"}
                reconnect_url: {type: string, nullable: true, description: "Set when not active: the login flow that replaces the token in place (same connection id and accounts)"}
                expires_at: {type: string, format: date-time, nullable: true}
                data_access_expires_at: {type: string, format: date-time, nullable: true}
                scopes: {type: array, items: {type: string}}
                last_checked_at: {type: string, format: date-time, nullable: true}
                created_at: {type: string, format: date-time}
                updated_at: {type: string, format: date-time}
            ReportPage:
              type: object
              required: [report, account_id, level, since, until, primary_conversion, totals, data, paging]
              properties:
                report: {type: string}
                account_id: {type: string}
                level: {type: string}
                since: {type: string, format: date}
                until: {type: string, format: date}
                breakdowns: {type: array, items: {type: string}, description: The built-in report's breakdowns in breakdown_key order.}
                primary_conversion: {type: string, enum: [purchase, lead]}
                totals:
                  type: array
                  items:
                    type: object
                    properties:
                      key: {type: string, description: "breakdown_key (age=18-24|gender=female), or the period (2026-11-01..2026-11-30)"}
                      values: {type: object, additionalProperties: {type: string}}
                      impressions: {type: integer}
                      clicks: {type: integer}
                      reach: {type: integer}
                      spend: {type: string}
                      conversions: {type: string}
                      cpa: {type: string, nullable: true}
                      roas: {type: string, nullable: true}
                      purchases: {type: string}
                      purchase_value: {type: string}
                      leads: {type: string}
                      currency: {type: string, nullable: true}
                data:
                  type: array
                  items: {$ref: "#/components/schemas/ReportRow"}
                paging: {type: object, properties: {next_cursor: {type: string, nullable: true}, limit: {type: integer}}}
            CreativePage:
              type: object
              properties:
                data: {type: array, items: {$ref: "#/components/schemas/Creative"}}
                since: {type: string, format: date}
                until: {type: string, format: date}
                sort: {type: string}
                dir: {type: string}
                paging: {type: object, properties: {next_cursor: {type: string, nullable: true}, limit: {type: integer}}}
            Creative:
              type: object
              properties:
                id: {type: string}
                account_id: {type: string}
                name: {type: string, nullable: true}
                title: {type: string, nullable: true}
                body: {type: string, nullable: true}
                object_type: {type: string, nullable: true}
                status: {type: string, nullable: true}
                call_to_action_type: {type: string, nullable: true}
                image_hash: {type: string, nullable: true}
                image_url: {type: string, nullable: true}
                thumbnail_url: {type: string, nullable: true}
                preview_url: {type: string, nullable: true}
                video_id: {type: string, nullable: true}
                url_tags: {type: string, nullable: true}
                link_url: {type: string, nullable: true}
                link_with_utm: {type: string, nullable: true}
                ad_ids: {type: array, items: {type: string}}
                currency: {type: string, nullable: true}
                spend: {type: string}
                impressions: {type: integer}
                clicks: {type: integer}
                ctr: {type: string, nullable: true}
                purchases: {type: string}
                purchase_value: {type: string}
                cpa: {type: string, nullable: true}
                roas: {type: string, nullable: true}
            WebhookNotification:
              type: object
              required: [object, entry]
              properties:
                object: {type: string, example: ad_account}
                entry:
                  type: array
                  items:
                    type: object
                    properties:
                      id: {type: string}
                      time: {type: integer}
                      changes: {type: array, items: {type: object, properties: {field: {type: string}, value: {type: object}}}}
                      changed_fields: {type: array, items: {type: string}}
            HealthSummary:
              type: object
              properties:
                status: {type: string, enum: [ok, degraded, unavailable]}
                ready: {type: boolean}
                checks: {type: object, additionalProperties: {type: string}, description: "database, connections, webhook_queue, call_budget: ok or what needs attention"}
            Health:
              type: object
              properties:
                status: {type: string, enum: [ok, degraded, unavailable]}
                database: {type: object, properties: {reachable: {type: boolean}, backend: {type: string}}}
                connections: {type: array, items: {$ref: "#/components/schemas/HealthConnection"}}
                connection_counts: {type: object, additionalProperties: {type: integer}}
                usage: {type: object, properties: {app_percent: {type: number}, accounts: {type: array, items: {$ref: "#/components/schemas/UsageAccount"}}}}
                webhook_queue: {type: object, additionalProperties: {type: integer}}
                warnings: {type: array, items: {type: string}, description: "e.g. the shared call budget (Redis) is unreachable"}
        \#(OpenAPISchemas.yaml)

        """#

    /// A path's `GET` of stored rows behind the API key, one page at a time: `parameters` (YAML flow mappings) and then
    /// `limit` and `cursor`; it answers a page of `item` (a schema under `components/schemas`), or 400 for a bad
    /// parameter or cursor. Written at the indentation of the document's operations (the interpolation stands at its
    /// left edge).
    static func pagedList(summary: String, item: String, parameters: [String]) -> String {
        let head = ["    get:", "      tags: [api]", "      summary: \(summary)", "      security: [{apiKey: []}]", "      parameters:"]
        let items = (parameters + [Self.parameter("limit"), Self.parameter("cursor")]).map { "        - \($0)" }
        let responses = [
            "      responses:",
            ##"        "200": {description: One page of rows., content: {application/json: {schema: {type: object, required: [data, paging], properties: {data: {type: array, items: {$ref: "#/components/schemas/\##(item)"}}, paging: {$ref: "#/components/schemas/Paging"}}}}}}"##,
            ##"        "400": {$ref: "#/components/responses/BadRequest"}"##,
            ##"        "401": {$ref: "#/components/responses/Unauthorized"}"##,
            ##"        "429": {$ref: "#/components/responses/TooManyAttempts"}"##,
        ]
        return (head + items + responses).joined(separator: "\n")
    }

    /// A reference to a parameter under `components/parameters`.
    static func parameter(_ name: String) -> String {
        ##"{$ref: "#/components/parameters/\##(name)"}"##
    }

    /// The scope of `GET` and `PUT /api/recommendations/settings`: an account and optionally one of its campaigns.
    static let settingsScope = #"""
              parameters:
                - {name: account_id, in: query, required: true, schema: {type: string}, description: act_<n> or <n>; the account must be synced.}
                - {name: campaign_id, in: query, schema: {type: string}, description: A campaign of the account (numeric id) for its per-campaign values.}
        """#

    /// The answers of every `/api/recommendations/settings` method: the effective settings of the scope.
    static let settingsResponses = #"""
              responses:
                "200": {description: Every threshold with its value and source., content: {application/json: {schema: {$ref: "#/components/schemas/RecommendationSettings"}}}}
                "400": {$ref: "#/components/responses/BadRequest"}
                "401": {$ref: "#/components/responses/Unauthorized"}
                "429": {$ref: "#/components/responses/TooManyAttempts"}
                "404": {description: The account is not synced or the campaign is not one of its campaigns., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        """#
}
