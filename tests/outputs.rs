//! Reporter tests over a fixed set of findings built here (no parser involved): snapshots of
//! every format, SARIF schema validation against the committed copy of the OASIS schema
//! (`tests/data/sarif-2.1.0.json`), GitHub's required SARIF fields, and escaping.

use std::path::Path;

use tlslint::checks::{Finding, Severity};
use tlslint::model::Label;
use tlslint::report::{self, BaselineUse, Format, RunInfo, Summary};
use tlslint::source::{FileId, Sources, Span};

const NGINX: &str = "http {\n    ssl_protocols TLSv1 TLSv1.2;\n    server {\n        listen 443 ssl;\n        server_name café.example, \"x<y>&z\";\n    }\n}\n";

fn span(sources: &Sources, id: FileId, needle: &str) -> Span {
    let at = sources.get(id).text.find(needle).expect("needle in text");
    Span::new(id, at, at + needle.len())
}

/// Two files, four findings: an inherited protocol with a label, a note with special
/// characters, a multi-line span, and a parse error.
fn sample() -> (Sources, Vec<Finding>) {
    let mut sources = Sources::new();
    let a = sources.add("conf/nginx.conf".into(), "conf/nginx.conf".into(), NGINX);
    let b = sources.add(
        "conf/site, 100%.conf".into(),
        "conf/site, 100%.conf".into(),
        "server {\n  ssl_ciphers 'RC4:\n    HIGH';\n  oops\n",
    );
    let mut f1 = Finding::at(
        span(&sources, a, "TLSv1 "),
        "TLSv1 is enabled for clients of server café.example:443",
    )
    .label("enables TLSv1; set here")
    .help("allow only TLSv1.2 and newer, e.g. `ssl_protocols TLSv1.2 TLSv1.3;`");
    f1.check = "legacy-protocol";
    f1.severity = Severity::Error;
    f1.policy = "mozilla-intermediate".into();
    f1.endpoint = Some("server café.example:443".into());
    f1.key = "http/server[café.example:443]/protocols".into();
    f1.labels.push(Label::new(
        span(&sources, a, "server {"),
        "inherited by server café.example:443",
    ));
    let mut f2 = Finding::at(
        span(&sources, a, "\"x<y>&z\""),
        "name \"x<y>&z\" has 'quotes', commas: and\nnewlines",
    );
    f2.check = "ineffective-setting";
    f2.severity = Severity::Note;
    f2.policy = "mozilla-intermediate".into();
    let mut f3 = Finding::at(
        span(&sources, b, "'RC4:\n    HIGH'"),
        "RC4 suites are enabled",
    )
    .label("enables RC4-SHA");
    f3.check = "weak-cipher";
    f3.severity = Severity::Warning;
    f3.policy = "mozilla-intermediate".into();
    f3.key = "http/server[_:443]/ciphers".into();
    let mut f4 = Finding::at(
        span(&sources, b, "oops"),
        "unexpected end of file, expecting \";\" or \"}\"",
    )
    .label("here");
    f4.check = tlslint::checks::PARSE_ERROR;
    f4.severity = Severity::Error;
    (sources, vec![f1, f2, f3, f4])
}

fn render(format: Format) -> String {
    let (sources, findings) = sample();
    let summary = Summary::count(sources.len(), 1, &findings);
    let mut out = Vec::new();
    report::emit(format, &findings, &summary, &sources, &run_info(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// What the sample run used: a config file, a policy file and a baseline.
fn run_info() -> RunInfo {
    let mut baseline = BaselineUse::default();
    baseline.file = "tlslint-baseline.json".into();
    baseline.hidden = 2;
    let mut run = RunInfo::default();
    run.config = Some(".tlslint.toml".into());
    run.policy = "mozilla-intermediate".into();
    run.checks_enabled = 22;
    run.baseline = Some(baseline);
    run
}

fn snapshot(name: &str, text: &str) {
    // A subdirectory keeps these apart from the fixture snapshots (`check__case.snap`).
    insta::with_settings!({
        snapshot_path => "snapshots/outputs",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn github_annotations() {
    let text = render(Format::Github);
    snapshot("github", &text);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with(
        "::error file=conf/nginx.conf,line=2,endLine=2,col=19,endColumn=25,title=tlslint (legacy-protocol)::"
    ), "{first}");
    // Properties escape `,` `:` `%`; the message keeps `:` and `,`. A newline from the
    // input is shown as `\n` (crate::escape) before the workflow-command escaping, so
    // the only `%0A` in a message is the one before `help:`.
    assert!(text.contains("file=conf/site%2C 100%25.conf,line=2,endLine=3,title="));
    assert!(text.contains("::name \"x<y>&z\" has 'quotes', commas: and\\nnewlines"));
    assert_eq!(text.lines().count(), 4);
}

#[test]
fn github_escaping() {
    use tlslint::report::github::{escape_data, escape_property};
    assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
    assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
}

#[test]
fn checkstyle_and_junit() {
    let cs = render(Format::Checkstyle);
    snapshot("checkstyle", &cs);
    assert!(cs.contains(r#"message="name &quot;x&lt;y&gt;&amp;z&quot; has &apos;quotes&apos;"#));
    assert_eq!(cs.matches("<file ").count(), 2);
    let ju = render(Format::Junit);
    snapshot("junit", &ju);
    assert!(ju.contains(r#"<testsuites name="tlslint" tests="4" failures="3" errors="1">"#));
    for doc in [&cs, &ju] {
        assert_balanced(doc);
    }
}

/// A small well-formedness check: every opened element is closed in order.
fn assert_balanced(doc: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else {
            stack.push(tag.split_whitespace().next().unwrap().to_owned());
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn junit_clean_run_has_one_passing_case() {
    let sources = Sources::new();
    let mut out = Vec::new();
    report::emit(
        Format::Junit,
        &[],
        &Summary::default(),
        &sources,
        &RunInfo::default(),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(r#"<testcase name="no findings" classname="tlslint"/>"#));
}

fn sarif() -> serde_json::Value {
    serde_json::from_str(&render(Format::Sarif)).unwrap()
}

#[test]
fn sarif_validates_against_the_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc = sarif();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The schema rejects what it should (so the validator is really applied).
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
}

/// The committed schema is OASIS's SARIF 2.1.0 schema (errata 01), the one GitHub code
/// scanning accepts; it was copied once, so this test needs nothing outside the repository.
#[test]
fn sarif_schema_copy_is_the_oasis_2_1_0_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["properties"]["version"]["enum"][0], "2.1.0");
}

#[test]
fn sarif_has_what_github_requires() {
    let doc = sarif();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().starts_with("https://"));
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .ends_with('/')
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for field in [
            "/id",
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
        ] {
            let v = r.pointer(field).and_then(|v| v.as_str()).unwrap_or("");
            assert!(!v.is_empty(), "rule {} lacks {field}", r["id"]);
        }
    }
    let lp = rules.iter().find(|r| r["id"] == "legacy-protocol").unwrap();
    assert_eq!(lp["properties"]["security-severity"], "7.5");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for res in results {
        let idx = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        assert_eq!(res["locations"].as_array().unwrap().len(), 1);
        assert!(
            res["partialFingerprints"]
                .get("primaryLocationLineHash")
                .is_none()
        );
        assert!(res["partialFingerprints"]["tlslint/v1"].is_string());
    }
    // Exact region of `TLSv1 ` (1-based, end exclusive) and of the multi-line span.
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region,
        &serde_json::json!({"startLine": 2, "startColumn": 19, "endLine": 2, "endColumn": 25})
    );
    let r3 = results
        .iter()
        .find(|r| r["ruleId"] == "weak-cipher")
        .unwrap();
    let loc = &r3["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "conf/site%2C%20100%25.conf");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 2, "startColumn": 15, "endLine": 3, "endColumn": 10})
    );
    // Columns count code points: `"x<y>&z"` follows `café` (é is two bytes, one column: 35, not 36).
    let r2 = results
        .iter()
        .find(|r| r["ruleId"] == "ineffective-setting")
        .unwrap();
    assert_eq!(
        r2["locations"][0]["physicalLocation"]["region"]["startColumn"],
        35
    );
    assert_eq!(
        results[0]["relatedLocations"][0]["message"]["text"],
        "inherited by server café.example:443"
    );
    // What the run used is in the run's properties.
    assert_eq!(run["properties"]["config"], ".tlslint.toml");
    assert_eq!(run["properties"]["policy"], "mozilla-intermediate");
    assert_eq!(run["properties"]["baseline"]["hidden"], 2);
    // The parse error is a result and a tool notification.
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn sarif_snapshot() {
    let mut doc = sarif();
    // The base URI depends on where the tests run.
    doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///…/".into();
    // Rule texts are the checks' docs, tested elsewhere; keep the snapshot about results.
    doc["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!("…");
    doc["runs"][0]["tool"]["driver"]["semanticVersion"] = "…".into();
    snapshot("sarif", &serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn concise_and_json_keep_their_shape() {
    let c = render(Format::Concise);
    assert!(
        c.starts_with("conf/nginx.conf:2:19: error[legacy-protocol] "),
        "{c}"
    );
    let j: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
    assert_eq!(j["version"], 1);
    // What the run used, at the top level.
    assert_eq!(j["config"], ".tlslint.toml");
    assert_eq!(j["policy"], "mozilla-intermediate");
    assert_eq!(j["policy_file"], serde_json::Value::Null);
    assert_eq!(j["checks_enabled"], 22);
    assert_eq!(
        j["baseline"],
        serde_json::json!({"file": "tlslint-baseline.json", "hidden": 2, "stale": 0})
    );
}

/// A finding merged from several endpoints' (issue 19): every format shows it once, JSON and
/// SARIF list every endpoint, and the SARIF still validates.
#[test]
fn a_merged_finding_in_every_format() {
    let mut sources = Sources::new();
    let a = sources.add("conf/nginx.conf".into(), "conf/nginx.conf".into(), NGINX);
    let mut f = Finding::at(
        span(&sources, a, "TLSv1 "),
        "TLSv1 is enabled for clients of 3 servers; servers: a.example:443, b.example:443 and c.example:443",
    )
    .label("enables TLSv1; set here");
    f.check = "legacy-protocol";
    f.severity = Severity::Error;
    f.policy = "mozilla-intermediate".into();
    f.key = "protocols = TLSv1 TLSv1.2".into();
    f.labels.push(Label::new(
        span(&sources, a, "server {"),
        "inherited by 3 servers: a.example:443, b.example:443 and c.example:443",
    ));
    let names = ["a.example:443", "b.example:443", "c.example:443"];
    f.cause = Some(Box::new(tlslint::diagnostic::Cause {
        key: f.key.clone(),
        file: a,
        endpoints: names.iter().map(|n| format!("server {n}").into()).collect(),
        members: names
            .iter()
            .map(|n| (a, format!("http/server[{n}]/protocols")))
            .collect(),
    }));
    let findings = vec![f];
    let summary = Summary::count(sources.len(), 3, &findings);
    let out = |format| {
        let mut out = Vec::new();
        report::emit(format, &findings, &summary, &sources, &run_info(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    for format in [Format::Concise, Format::Github] {
        let text = out(format);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("3 servers; servers: a.example:443"), "{text}");
    }
    for (format, element) in [
        (Format::Junit, "<failure "),
        (Format::Checkstyle, "<error "),
    ] {
        let text = out(format);
        assert_eq!(text.matches(element).count(), 1, "{text}");
        assert!(text.contains("3 servers; servers: a.example:443"), "{text}");
    }
    assert!(out(Format::human(false)).contains("inherited by 3 servers: a.example:443"));
    let j: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    let jf = &j["findings"][0];
    assert_eq!(jf["endpoint"], serde_json::Value::Null);
    assert_eq!(
        jf["endpoints"],
        serde_json::json!([
            "server a.example:443",
            "server b.example:443",
            "server c.example:443"
        ])
    );
    let doc: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let result = &doc["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["endpoints"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        result["relatedLocations"][0]["message"]["text"],
        "inherited by 3 servers: a.example:443, b.example:443 and c.example:443"
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&doc));
}
