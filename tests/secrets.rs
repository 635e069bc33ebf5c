//! A secret is never printed: not by any command, in any format, not in an
//! error, not when given by mistake where a variable's name belongs
//! (`--secret-env "$SALLA_SECRET"`).

mod util;

const SECRET: &str = "whsec_S3CR3T_never_printed_9f2c";

fn outputs(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = util::command(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().expect("whi runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_secret_appears_in_any_output() {
    let dir = std::env::temp_dir().join(format!("whi-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let file = dir.join("secret.txt");
    // With the padding a careless paste adds, to reach the trimmed-secret hint.
    std::fs::write(&file, format!("{SECRET} \r\n")).expect("secret file");
    let file = file.to_string_lossy().into_owned();
    let env = [("WHI_SECRET", SECRET)];
    let captures = [
        "tests/fixtures/capture/salla-signed-crlf.http",
        "tests/fixtures/capture/salla-tampered.http",
        "tests/fixtures/capture/salla-pretty-printed.http",
        "tests/fixtures/capture/salla-token-bearer.http",
        "tests/fixtures/capture/devtools.har",
    ];
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["human", "json", "github", "junit", "sarif"] {
        for secret in [
            ["--secret-env", "WHI_SECRET"],
            ["--secret-file", file.as_str()],
        ] {
            let mut args = vec!["validate", "--format", format];
            args.extend(secret);
            args.extend(captures);
            runs.push(args);
        }
    }
    runs.push(vec!["inspect", "--secret-env", "WHI_SECRET", captures[0]]);
    runs.push(vec![
        "inspect",
        "--timeline",
        "--secret-env",
        "WHI_SECRET",
        captures[0],
    ]);
    // The value where the name belongs, and an unset name.
    runs.push(vec!["validate", "--secret-env", SECRET, captures[0]]);
    runs.push(vec![
        "sign",
        "--provider",
        "salla",
        "--secret-env",
        SECRET,
        captures[0],
    ]);
    runs.push(vec![
        "validate",
        "--secret-env",
        "WHI_UNSET_SECRET_VAR",
        captures[0],
    ]);
    for extra in [
        &[][..],
        &["--request"],
        &["--curl", "http://localhost/hooks"],
    ] {
        let mut args = vec!["sign", "--provider", "salla", "--secret-env", "WHI_SECRET"];
        args.extend(extra);
        args.push("samples/salla/order.created.json");
        runs.push(args);
    }
    runs.push(vec![
        "send",
        "--secret-env",
        "WHI_SECRET",
        "--to",
        "http://127.0.0.1:9/",
        "salla/order.created",
    ]);
    for args in &runs {
        let text = outputs(args, &env);
        assert!(!text.is_empty(), "whi {args:?} printed nothing");
        assert!(
            !text.contains(SECRET),
            "whi {args:?} printed the secret:\n{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_secret_padded_with_whitespace_is_named_as_the_cause() {
    let dir = std::env::temp_dir().join(format!("whi-secrets-pad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp");
    let file = dir.join("secret.txt");
    // The secret the fixture was signed with, saved with a CRLF and a space.
    std::fs::write(&file, "whsec_test_7Yq2pL9x \r\n").expect("secret file");
    let text = outputs(
        &[
            "validate",
            "--secret-file",
            &file.to_string_lossy(),
            "tests/fixtures/capture/salla-signed-crlf.http",
        ],
        &[("COLUMNS", "1000")],
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(text.contains("spaces or line breaks around it"), "{text}");
}
