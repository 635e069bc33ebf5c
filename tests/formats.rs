//! The CI formats (`--format github|junit|sarif`) checked by parsing what
//! the built binary prints, as the tools that ingest them would: JUnit with
//! an XML parser, SARIF as JSON against the fields the 2.1.0 spec and code
//! scanning require, GitHub workflow commands by their grammar. The
//! snapshots in tests/cmd/ show the text; these tests pin the meaning.

mod util;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

const ENUM: &str = "tests/fixtures/invalid/snipcart/order.status.changed.enum.json";
const SYNTAX: &str = "tests/fixtures/invalid/salla/order-created-trailing-comma.syntax.json";
const UNRECOGNISED: &str = "tests/fixtures/invalid/unrecognised/plain-object.unrecognised.json";
const WARN: &str = "tests/fixtures/warn/salla/order-updated-unknown-status-slug.json";
const VALID: &str = "samples/salla/order.created.json";
const BATCH: &str = "tests/fixtures/valid/logitrail/batch.json";
const MISSING: &str = "no/such.json";

fn whi(args: &[&str]) -> Output {
    util::run(args, None)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn validate(format: &str, inputs: &[&str]) -> Output {
    let mut args = vec!["validate", "--format", format];
    args.extend_from_slice(inputs);
    whi(&args)
}

const MIX: &[&str] = &[ENUM, SYNTAX, UNRECOGNISED, WARN, VALID, BATCH, MISSING];

/// A scratch directory for inputs with awkward names, fresh per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(err) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {err}", dir.display());
    }
    dir
}

fn write(path: &Path, text: &str) {
    if let Err(err) = std::fs::write(path, text) {
        panic!("cannot write {}: {err}", path.display());
    }
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_counts_cases_and_failures() {
    let output = validate("junit", MIX);
    assert_eq!(output.status.code(), Some(2), "an unreadable input wins");
    let text = stdout(&output);
    let doc = match roxmltree::Document::parse(&text) {
        Ok(doc) => doc,
        Err(err) => panic!("not XML: {err}\n{text}"),
    };
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.attribute("name"), Some("whi validate"));
    // 5 payloads from files, 3 from the batch, 1 unreadable input.
    assert_eq!(suite.attribute("tests"), Some("9"));
    assert_eq!(suite.attribute("failures"), Some("3"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("1"));

    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<_> = cases.iter().filter_map(|c| c.attribute("name")).collect();
    let batch: Vec<String> = (0..3).map(|i| format!("{BATCH}#/{i}")).collect();
    let mut expected = vec![ENUM, SYNTAX, UNRECOGNISED, WARN, VALID];
    expected.extend(batch.iter().map(String::as_str));
    expected.push(MISSING);
    assert_eq!(names, expected, "one testcase per payload, in input order");

    let classnames: Vec<_> = cases
        .iter()
        .filter_map(|c| c.attribute("classname"))
        .collect();
    assert_eq!(
        classnames,
        [
            "snipcart.order.status.changed",
            "unparseable",
            "unrecognised",
            "salla.order.updated",
            "salla.order.created",
            "logitrail.order.shipped",
            "logitrail.order.info.change",
            "logitrail.product.info.change",
            "input",
        ]
    );

    let child = |i: usize, tag: &str| cases[i].children().find(|n| n.has_tag_name(tag));
    let failure = child(0, "failure");
    assert_eq!(
        failure.and_then(|f| f.attribute("message")),
        Some("1 error")
    );
    assert_eq!(failure.and_then(|f| f.attribute("type")), Some("enum"));
    let body = failure.and_then(|f| f.text()).unwrap_or_default();
    assert!(
        body.starts_with("3:9 /to: \"Sent\" is not one of"),
        "{body}"
    );
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].ends_with("[enum]"), "{body}");
    assert_eq!(
        lines.last().copied(),
        Some("see: whi explain snipcart/order.status.changed/to"),
        "{body}"
    );
    assert_eq!(
        child(1, "failure").and_then(|f| f.attribute("type")),
        Some("syntax")
    );
    assert_eq!(
        child(2, "failure").and_then(|f| f.attribute("type")),
        Some("unrecognised")
    );
    for passing in [3, 4, 5, 6, 7] {
        assert!(child(passing, "failure").is_none(), "case {passing} passed");
    }
    let out = child(3, "system-out")
        .and_then(|o| o.text())
        .unwrap_or_default();
    assert!(
        out.contains("x-whi-known-values"),
        "warnings go to system-out: {out}"
    );
    assert!(child(7, "skipped").is_some(), "no bundled schema: skipped");
    assert!(
        child(8, "error").is_some(),
        "an unreadable input is an error"
    );
}

#[test]
fn junit_survives_control_characters_and_markup() {
    let dir = scratch("junit-awkward");
    let path = dir.join("a<b>&\"c\".json");
    // An unrecognised object's message lists its keys verbatim.
    write(&path, "{\"k\\u0001<&>\\n\": 1}");
    let output = validate("junit", &[&path.to_string_lossy()]);
    let text = stdout(&output);
    let doc = match roxmltree::Document::parse(&text) {
        Ok(doc) => doc,
        Err(err) => panic!("not XML: {err}\n{text}"),
    };
    let case = doc.descendants().find(|n| n.has_tag_name("testcase"));
    let name = case.and_then(|c| c.attribute("name")).unwrap_or_default();
    assert!(name.ends_with("a<b>&\"c\".json"), "{name}");
    let failure = doc.descendants().find(|n| n.has_tag_name("failure"));
    let body = failure.and_then(|f| f.text()).unwrap_or_default();
    assert!(body.contains("k\\x01<&>\n"), "{body:?}");
}

// ---------------------------------------------------------------- SARIF

fn sarif(inputs: &[&str]) -> serde_json::Value {
    let text = stdout(&validate("sarif", inputs));
    match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(err) => panic!("not JSON: {err}\n{text}"),
    }
}

#[test]
fn sarif_has_the_required_fields() {
    let log = sarif(MIX);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().map_or(0, Vec::len);
    assert_eq!(runs, 1);
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "whi");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let unique: BTreeSet<&str> = rules.iter().copied().collect();
    assert_eq!(unique.len(), rules.len(), "rule ids are unique");
    for rule in driver["rules"].as_array().into_iter().flatten() {
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
    }

    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 4, "enum, syntax, unrecognised, one warning");
    for result in &results {
        let rule_id = result["ruleId"].as_str().unwrap_or_default();
        assert!(rules.contains(&rule_id), "{rule_id} is a rule");
        let index = result["ruleIndex"]
            .as_u64()
            .and_then(|i| usize::try_from(i).ok());
        assert_eq!(index.and_then(|i| rules.get(i)), Some(&rule_id));
        assert!(matches!(
            result["level"].as_str(),
            Some("error" | "warning")
        ));
        assert!(result["message"]["text"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].is_string(), "{result}");
        assert!(location["region"]["startLine"].is_u64(), "{result}");
        assert!(location["region"]["startColumn"].is_u64(), "{result}");
    }
    let levels: Vec<_> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, ["error", "error", "error", "warning"]);
    assert_eq!(
        unique,
        BTreeSet::from(["enum", "syntax", "unrecognised", "x-whi-known-values"])
    );

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(
        note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with(MISSING))
    );
}

#[test]
fn sarif_regions_match_the_human_position() {
    let human = stdout(&whi(&["validate", ENUM]));
    assert!(human.contains("  3:9 "), "{human}");
    let log = sarif(&[ENUM]);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "enum");
    assert_eq!(result["level"], "error");
    let text = result["message"]["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("/to: \"Sent\" is not one of"), "{text}");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], ENUM);
    assert_eq!(location["region"]["startLine"], 3);
    assert_eq!(location["region"]["startColumn"], 9);
    assert_eq!(result["properties"]["provider"], "snipcart");
    assert_eq!(result["properties"]["event"], "order.status.changed");
    assert_eq!(result["properties"]["pointer"], "/to");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
}

#[test]
fn sarif_locates_batch_elements_in_their_file() {
    let dir = scratch("sarif-batch");
    let path = dir.join("two #1.json");
    write(&path, "[\n{\"a\": 1},\n{\"b\": 2}\n]\n");
    let log = sarif(&[&path.to_string_lossy()]);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 2);
    for (i, result) in results.iter().enumerate() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        assert!(uri.ends_with("/two%20%231.json"), "{uri}");
        assert!(!uri.contains('#'), "{uri}");
        let source = result["properties"]["source"].as_str().unwrap_or_default();
        assert!(source.ends_with(&format!("two #1.json#/{i}")), "{source}");
        let line = &result["locations"][0]["physicalLocation"]["region"]["startLine"];
        assert_eq!(line.as_u64(), Some(i as u64 + 2));
    }
}

// ---------------------------------------------------------------- GitHub

/// A workflow command: name, properties, message (all still escaped).
fn command(line: &str) -> (String, Vec<(String, String)>, String) {
    let Some(rest) = line.strip_prefix("::") else {
        panic!("not a workflow command: {line}");
    };
    let Some((head, message)) = rest.split_once("::") else {
        panic!("no message: {line}");
    };
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => panic!("bad property {p:?} in {line}"),
        })
        .collect();
    (name.to_string(), properties, message.to_string())
}

fn property<'a>(properties: &'a [(String, String)], key: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn github_prints_only_workflow_commands() {
    let output = validate("github", MIX);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    let commands: Vec<_> = text.lines().map(command).collect();
    let names: Vec<_> = commands.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["error", "error", "error", "warning", "error", "notice"]
    );

    let (_, properties, message) = &commands[0];
    assert_eq!(property(properties, "file"), Some(ENUM));
    assert_eq!(property(properties, "line"), Some("3"));
    assert_eq!(property(properties, "col"), Some("9"));
    assert_eq!(
        property(properties, "title"),
        Some("snipcart/order.status.changed")
    );
    assert!(
        message.starts_with("/to: \"Sent\" is not one of"),
        "{message}"
    );

    let (_, properties, _) = &commands[1];
    assert_eq!(property(properties, "title"), Some("unparseable"));
    assert_eq!(property(properties, "line"), Some("17"));

    let (_, properties, message) = &commands[4];
    assert_eq!(property(properties, "title"), Some("whi"));
    assert_eq!(property(properties, "file"), None);
    assert!(message.starts_with(&format!("{MISSING}: ")), "{message}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: {MISSING}: ")),
        "{stderr}"
    );

    let (_, properties, message) = &commands[5];
    assert_eq!(property(properties, "title"), Some("whi"));
    assert_eq!(
        message,
        "8 payloads: 4 valid, 1 invalid, 1 unparseable, 1 unrecognised, 1 not checked; 1 input could not be read"
    );
}

#[test]
fn github_escapes_properties_and_messages() {
    let dir = scratch("github-escaping");
    let path = dir.join("a,b:c%d.json");
    write(&path, "[{\"a\": 0},\n{\"x%\\r\\n,:\": 1}\n]\n");
    let output = validate("github", &[&path.to_string_lossy()]);
    let text = stdout(&output);
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for line in &lines[..2] {
        let (name, properties, _) = command(line);
        assert_eq!(name, "error");
        let file = property(&properties, "file").unwrap_or_default();
        assert!(file.ends_with("/a%2Cb%3Ac%25d.json"), "{file}");
        assert!(!file.contains('#'), "the batch index is stripped: {file}");
    }
    let (_, properties, message) = command(lines[1]);
    assert_eq!(property(&properties, "line"), Some("2"));
    assert_eq!(property(&properties, "col"), Some("1"));
    // Messages escape %, CR and LF only; `:` and `,` stay.
    assert!(message.ends_with("keys x%25%0D%0A,:"), "{message}");
}

#[test]
fn github_without_a_file_keeps_the_position() {
    let output = util::command(&["validate", "--format", "github", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                use std::io::Write;
                stdin.write_all(b"\n  {\"hello\": 1}")?;
            }
            child.wait_with_output()
        });
    let output = match output {
        Ok(output) => output,
        Err(err) => panic!("cannot run whi: {err}"),
    };
    let text = stdout(&output);
    let (name, properties, _) = command(text.lines().next().unwrap_or_default());
    assert_eq!(name, "error");
    assert_eq!(property(&properties, "file"), None);
    assert_eq!(property(&properties, "line"), Some("2"));
    assert_eq!(property(&properties, "col"), Some("3"));
}

#[test]
fn machine_formats_are_never_coloured() {
    for format in ["github", "junit", "sarif"] {
        let output = whi(&[
            "--color", "always", "validate", "--format", format, ENUM, MISSING,
        ]);
        assert!(
            !output.stdout.contains(&0x1b),
            "{format} stdout has escapes"
        );
        assert!(
            !output.stderr.contains(&0x1b),
            "{format} stderr has escapes"
        );
    }
}
