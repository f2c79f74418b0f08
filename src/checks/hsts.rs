//! `hsts`: an HTTPS server sends no Strict-Transport-Security header, or one too weak for
//! the policy.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};
use crate::model::{Endpoint, Hsts, Setting};
use crate::source::Span;

pub(super) const CHECK: Check = Check {
    name: "hsts",
    summary: "an HTTPS server sends no Strict-Transport-Security header, or a weak one",
    default_severity: Severity::Warning,
    params: &[
        Param::required(
            "min-age",
            ParamKind::Duration,
            "shortest `max-age` the policy accepts",
        ),
        Param::optional(
            "require-always",
            ParamKind::Bool,
            "whether the header must go with every response, error responses included (default true)",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

/// The header name.
const NAME: &str = "Strict-Transport-Security";

/// The `max-age` help lines suggest when the policy's minimum is lower: two years, the value
/// of Mozilla's SSL Configuration Generator (guideline `hsts_min_age`).
const SUGGESTED_AGE: u64 = 63_072_000;

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(min) = cx.params.duration("min-age") else {
        return;
    };
    let always = cx.params.flag("require-always").unwrap_or(true);
    for e in cx.endpoints {
        let Some(s) = &e.tls.hsts else { continue };
        let directive = s.directive.as_deref().unwrap_or_default();
        let Some(h) = &s.value else {
            out.push(missing(e, s, directive, min));
            continue;
        };
        let problem = Problem::of(h, min, always);
        if let Some(p) = &problem {
            let f = Finding::for_setting(e, s, "hsts", p.message(&e.name, h, min))
                .narrow(p.span(h))
                .label(p.label(h));
            out.push(f.help(p.help(e, directive, h, min)));
        }
        for x in &h.elsewhere {
            let place = format!("`{}` of {}", x.block, e.name);
            let mut f = match &x.header {
                None => Finding::at(
                    x.span,
                    format!(
                        "{place} does not send {NAME}: its own `{}` lines replace those of the \
                         enclosing block",
                        x.directive
                    ),
                )
                .label(format!("`{}` here drops the {NAME} header", x.directive))
                .help(format!(
                    "repeat the {NAME} line here, beside the other `{}` lines of this block",
                    x.directive
                )),
                Some(own) => {
                    let Some(p) = Problem::of(own, min, always) else {
                        continue;
                    };
                    Finding::at(x.span, p.message(&place, own, min))
                        .narrow(p.span(own))
                        .label(p.label(own))
                        .help(p.help(e, &x.directive, own, min))
                }
            };
            if let Some(at) = x.dropped {
                f = f.related(at, "set here, not inherited by the block");
            }
            f.endpoint = Some(e.name.clone());
            f.key = format!("{}/hsts/{}", e.key, x.block);
            out.push(f);
        }
    }
}

/// No header: say where to add one.
fn missing(e: &Endpoint, s: &Setting<Option<Hsts>>, directive: &str, min: u64) -> Finding {
    let line = e.dialect.header_line(
        directive,
        NAME,
        &format!("max-age={}", min.max(SUGGESTED_AGE)),
    );
    let mut f = Finding::for_setting(e, s, "hsts", format!("{} does not send {NAME}", e.name));
    // No header is what the program does in every version, not a version's default.
    f.assumes_default = false;
    if s.is_default() && s.related().is_empty() {
        // Unsafe: browsers then refuse plain HTTP to the site for max-age, which a site
        // still serving some of it over HTTP must decide.
        let help = format!("add `{line}` to this server");
        // The parser notes a config that loads its modules but not mod_headers: a `Header`
        // line alone would stop httpd, so no fix.
        if e.dialect == crate::model::Dialect::Apache && s.note().is_some() {
            return f.help(format!(
                "load mod_headers, then add `{line}` to this server"
            ));
        }
        if (e.dialect == crate::model::Dialect::Nginx && directive == "add_header")
            || e.dialect == crate::model::Dialect::Apache
        {
            return f.help(help).fix(crate::fix::Fix::one(
                "send the header from this server",
                crate::fix::Applicability::Unsafe,
                crate::fix::Edit::IntoBlock {
                    header: e.span,
                    line,
                },
            ));
        }
        // HAProxy: a rule at the end of the bind's section (`frontend`/`listen`), where the
        // section's other lines are.
        if e.dialect == crate::model::Dialect::Haproxy
            && e.key.ends_with(']')
            && !e.key.contains("crt-list")
        {
            return f.help(help).fix(crate::fix::Fix::one(
                "send the header from this frontend",
                crate::fix::Applicability::Unsafe,
                crate::fix::Edit::Continue {
                    header: e.span,
                    line,
                },
            ));
        }
        return f.help(help);
    }
    let f = if s.is_default() {
        f
    } else {
        f.label(format!("drops the inherited {NAME} header"))
    };
    f.help(format!(
        "add `{line}` beside the `{directive}` lines marked here (a block with `{directive}` \
         lines of its own inherits none from the blocks around it)"
    ))
}

/// What is wrong with one header line.
struct Problem {
    /// max-age missing, invalid or below the minimum.
    weak: bool,
    /// Not sent with error responses, and the policy wants it with every response.
    not_always: bool,
}

impl Problem {
    fn of(h: &Hsts, min: u64, require_always: bool) -> Option<Problem> {
        let p = Problem {
            weak: h.max_age.is_none_or(|a| a < min),
            not_always: require_always && !h.always,
        };
        (p.weak || p.not_always).then_some(p)
    }

    fn message(&self, place: &str, h: &Hsts, min: u64) -> String {
        let why = match h.max_age {
            None => "has no valid max-age, so browsers ignore it".to_owned(),
            Some(0) => "has max-age=0, which makes browsers forget the HSTS policy".to_owned(),
            Some(a) => format!(
                "has a max-age of {}, below the policy's {}",
                age(a),
                age(min)
            ),
        };
        let partial = "is sent only with successful and redirect responses";
        match (self.weak, self.not_always) {
            (true, true) => format!("the {NAME} header of {place} {why}, and {partial}"),
            (true, false) => format!("the {NAME} header of {place} {why}"),
            _ => format!("the {NAME} header of {place} {partial}"),
        }
    }

    /// Where to point: the value for a weak max-age, else the whole line.
    fn span(&self, h: &Hsts) -> Option<Span> {
        if self.weak { None } else { h.line }
    }

    fn label(&self, h: &Hsts) -> String {
        let age = match h.max_age {
            None => "no valid max-age".to_owned(),
            Some(a) => format!("max-age={a}"),
        };
        match (self.weak, self.not_always) {
            (true, true) => format!("{age}; not sent with error responses"),
            (true, false) => age,
            _ => "not sent with error responses".to_owned(),
        }
    }

    /// The line to write instead, keeping the header's other directives.
    fn help(&self, e: &Endpoint, directive: &str, h: &Hsts, min: u64) -> String {
        let seconds = match h.max_age {
            Some(a) if !self.weak => a,
            _ => min.max(SUGGESTED_AGE),
        };
        let mut value = format!("max-age={seconds}");
        if h.include_subdomains {
            value.push_str("; includeSubDomains");
        }
        if h.preload {
            value.push_str("; preload");
        }
        let what = match (self.weak, self.not_always) {
            (true, true) => format!(
                "send it with every response, with a max-age of at least {}",
                age(min)
            ),
            (true, false) if min <= 1 => "give it a positive max-age".to_owned(),
            (true, false) => format!("give it a max-age of at least {}", age(min)),
            _ => "send it with every response".to_owned(),
        };
        format!(
            "{what}: `{}`",
            e.dialect.header_line(directive, NAME, &value)
        )
    }
}

/// A duration in the largest unit that divides it: `2 years`, `1 day`, `5 minutes`.
fn age(secs: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (31_536_000, "year"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let (n, unit) = UNITS
        .iter()
        .find(|(n, _)| secs != 0 && secs.is_multiple_of(*n))
        .map_or((secs, "second"), |&(n, unit)| (secs / n, unit));
    let s = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{s}")
}

const EXPLAIN: &str = "\
## What it does
Reports HTTPS servers that send no `Strict-Transport-Security` header, one whose `max-age` is
missing or below the policy's minimum (`max-age=0` withdraws HSTS), or one sent only with
successful and redirect responses (nginx without `always`). nginx's `add_header` lines reach a
`server` or `location` only if it has none of its own, so one `add_header` in a location drops
the server's header there. Silent where the header may come from elsewhere: an application
behind `proxy_pass` (or `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, `grpc_pass`), Lua or njs, a
value with variables, an unread include. Application configs (Traefik's headers middleware)
are not read for this yet.

## Why is this bad
Without HSTS (RFC 6797) a browser sent to `http://` makes a plaintext request that an attacker
on the path can answer (SSL stripping, RFC 7457 §2.1). RFC 9325 §3.2: web servers SHOULD send
HSTS; Mozilla asks for a `max-age` of two years (`hsts_min_age`) and `always`.

## Example
```nginx
add_header Strict-Transport-Security \"max-age=86400\";
location /static/ {
    add_header Cache-Control \"public\";
}
```

## Fix
```nginx
add_header Strict-Transport-Security \"max-age=63072000\" always;
location /static/ {
    add_header Cache-Control \"public\";
    add_header Strict-Transport-Security \"max-age=63072000\" always;
}
```";
