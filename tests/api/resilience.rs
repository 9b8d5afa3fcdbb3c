//! Resilience: Postgres restarted under a running server. This test runs its own throwaway
//! Postgres cluster so that stopping it touches no other test.
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A private Postgres cluster on its own port, removed on drop.
struct PrivatePostgres {
    dir: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    fn bin(name: &str) -> PathBuf {
        let versions =
            std::fs::read_dir("/usr/lib/postgresql").expect("Postgres is installed under /usr/lib/postgresql");
        let mut found: Vec<PathBuf> =
            versions.filter_map(|v| v.ok()).map(|v| v.path().join("bin").join(name)).collect();
        found.sort();
        found.pop().expect("a Postgres version")
    }

    fn as_postgres(args: &[&str]) {
        let status =
            Command::new("runuser").arg("-u").arg("postgres").arg("--").args(args).stdout(Stdio::null()).status();
        assert!(status.expect("runuser runs").success(), "{args:?}");
    }

    fn start_new() -> PrivatePostgres {
        let dir = std::env::temp_dir().join(format!("cw-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Command::new("chown").arg("postgres").arg(&dir).status().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let data = dir.join("data");
        Self::as_postgres(&[
            Self::bin("initdb").to_str().unwrap(),
            "-D",
            data.to_str().unwrap(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        ]);
        let pg = PrivatePostgres { dir, port };
        pg.start();
        pg
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.dir.join("data");
        let options = format!(
            "-c port={} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.dir.display()
        );
        let ctl = Self::bin("pg_ctl");
        let mut args =
            vec![ctl.to_str().unwrap(), "-D", data.to_str().unwrap(), "-w", "-m", "fast", "-o", &options, action];
        if action == "start" {
            args.extend(["-l", "/dev/null"]);
        }
        Self::as_postgres(&args);
    }

    fn start(&self) {
        self.pg_ctl("start");
    }

    fn stop(&self) {
        self.pg_ctl("stop");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/clausewatch", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve(db: &str, port: u16, catalog: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_clausewatch"))
        .args(["serve", "--no-workers"])
        .env("DATABASE_URL", db)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("CATALOG_DIR", catalog)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the clausewatch binary starts")
}

async fn status(client: &reqwest::Client, url: &str) -> Option<u16> {
    client.get(url).send().await.ok().map(|r| r.status().as_u16())
}

async fn wait_for(client: &reqwest::Client, url: &str, want: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if status(client, url).await == Some(want) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn a_postgres_restart_gives_fast_503s_and_the_server_recovers_without_a_restart() {
    let pg = PrivatePostgres::start_new();
    let catalog = tempfile::TempDir::new().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = serve(&pg.url(), port, catalog.path());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let ready = format!("http://127.0.0.1:{port}/readyz");
    let page = format!("http://127.0.0.1:{port}/api/v1/platforms");
    assert!(wait_for(&client, &ready, 200).await, "the server starts against the private Postgres");

    // Blocking here is fine: the server under test is another process.
    pg.stop();
    let started = Instant::now();
    let during = [status(&client, &ready).await, status(&client, &page).await];
    let took = started.elapsed();
    let health = status(&client, &format!("http://127.0.0.1:{port}/healthz")).await;

    pg.start();
    let recovered = wait_for(&client, &page, 200).await;
    let _ = server.kill();
    let _ = server.wait();

    println!("two requests during the outage took {took:?}: {during:?}");
    assert_eq!(during, [Some(503), Some(503)], "the database outage is a 503, not a 500 or a hang");
    assert_eq!(health, Some(200), "the process itself stays up");
    assert!(recovered, "requests succeed again after Postgres is back, without restarting ClauseWatch");
}
