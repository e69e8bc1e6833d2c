//! `chatwire backup` under write load and `chatwire restore`: the real executable against a
//! serving SQLite database.
//!
//! The guarantee tested: every line acknowledged (2xx received) before the backup command was
//! started is in the backup, and the backup is one consistent snapshot: the chat's lines in it
//! are exactly the first N lines written, with no gap, for some N. Lines acknowledged while
//! the backup ran may or may not be in it.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use crate::helpers::http::{APP_KEY_AUTH, all_events, on_node, request_chat, visitor_post};
use crate::helpers::{spawn_with, test_settings};

/// The executable on SQLite in `data_dir`, whatever backend the suite runs on.
fn chatwire(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatwire"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CHATWIRE") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--data-dir").arg(data_dir);
    cmd
}

fn sqlite_settings(dir: &Path) -> chatwire::settings::Settings {
    let mut s = test_settings(dir);
    s.database.url.clear();
    s.database.schema.clear();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_every_line_acknowledged_before_it() {
    // Arrange: a server and a visitor appending numbered lines as fast as they are answered.
    let live = tempfile::tempdir().expect("tmp");
    let app = spawn_with(sqlite_settings(live.path())).await;
    let chat = request_chat(&app.client, &app.address, "Sales").await;
    let acked = Arc::new(Mutex::new(Vec::<u32>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, address, chat) = (app.client.clone(), app.address.clone(), chat.clone());
        let (acked, stop) = (Arc::clone(&acked), Arc::clone(&stop));
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let line = json!({"@type": "line", "text": format!("line {n}")});
                let resp = visitor_post(&client, &address, &chat, line).await;
                assert_eq!(resp.status(), 201, "line {n}");
                acked.lock().expect("acked").push(n);
                n += 1;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Act: back up while the writer keeps writing.
    let before_backup = acked.lock().expect("acked").len();
    let file = live.path().join("backup.db");
    let backup = {
        let (dir, file) = (live.path().to_path_buf(), file.clone());
        tokio::task::spawn_blocking(move || {
            chatwire(&dir)
                .arg("backup")
                .arg(&file)
                .output()
                .expect("backup runs")
        })
        .await
        .expect("joined")
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = chatwire(live.path())
        .arg("restore")
        .arg(&file)
        .output()
        .expect("runs");
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");
    let total = acked.lock().expect("acked").len();
    app.stop().await;
    let restored_dir = tempfile::tempdir().expect("tmp");
    let restore = chatwire(restored_dir.path())
        .arg("restore")
        .arg(&file)
        .output()
        .expect("restore runs");
    let app = spawn_with(sqlite_settings(restored_dir.path())).await;
    let events = all_events(
        &app.client,
        &format!("{}/events", on_node(&chat, &app.address)),
        APP_KEY_AUTH,
    )
    .await;

    // Assert
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    let refusal = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && refusal.contains("in use"),
        "{refusal}"
    );
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let lines: Vec<String> = events
        .iter()
        .filter(|e| e["@type"] == "line" && e["source"] == "visitor")
        .filter_map(|e| e["text"].as_str().map(str::to_owned))
        .collect();
    let expected: Vec<String> = (0..lines.len()).map(|n| format!("line {n}")).collect();
    assert_eq!(lines, expected, "a gapless prefix of what was written");
    assert!(
        lines.len() >= before_backup,
        "{} lines restored, {before_backup} acknowledged before the backup",
        lines.len()
    );
    assert!(
        before_backup > 0 && total > before_backup,
        "the load ran throughout"
    );
    eprintln!(
        "backup under load: {before_backup} lines acknowledged before, {} in the backup, {total} written",
        lines.len()
    );
    app.stop().await;
}

#[test]
fn backup_and_restore_on_postgresql_point_to_pg_dump() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = chatwire(dir.path())
        .args(["--database-url", "postgres://chat@127.0.0.1:1/chat"])
        .args(["backup", "x.db"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pg_dump") && err.contains("-n public"),
        "{err}"
    );
}
