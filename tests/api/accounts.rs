//! Accounts against the real server on loopback: sign-up, verification, login and logout, rate
//! limits, password reset, CSRF. Mails are read back from the outbox they were written to.
use std::net::SocketAddr;

use clausewatch::{config::Config, startup::AppState, web};
use reqwest::{StatusCode, header, redirect};
use sqlx::PgPool;

/// The app served on 127.0.0.1:0, with one browser-like client (cookies kept by hand, no
/// redirects followed).
pub struct WebApp {
    pub base: String,
    pub pool: PgPool,
    pub http: reqwest::Client,
    pub state: AppState,
}

/// A browser: its own session cookie.
#[derive(Clone, Default)]
pub struct Browser {
    pub cookie: Option<String>,
}

/// What a request answered.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl WebApp {
    pub async fn spawn(pool: PgPool) -> WebApp {
        Self::spawn_with(pool, |_| {}).await
    }

    pub async fn spawn_with(pool: PgPool, edit: impl FnOnce(&mut Config)) -> WebApp {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut config = Config::from_env().expect("the configuration parses");
        config.bind_addr = SocketAddr::from(([127, 0, 0, 1], 0));
        edit(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        config.base_url = base.parse().expect("a URL");
        let state = AppState::from_pool(pool.clone(), config).expect("the state builds");
        let app = web::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("a client");
        WebApp { base, pool, http, state }
    }

    async fn send(&self, browser: &mut Browser, request: reqwest::RequestBuilder) -> Page {
        let request = match &browser.cookie {
            Some(cookie) => request.header(header::COOKIE, cookie),
            None => request,
        };
        let response = request.send().await.expect("the server answers");
        if let Some(set) = response.headers().get(header::SET_COOKIE).and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            browser.cookie = if pair.ends_with('=') { None } else { Some(pair) };
        }
        let status = response.status();
        let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Page { status, location, body: response.text().await.unwrap_or_default() }
    }

    pub async fn get(&self, browser: &mut Browser, path: &str) -> Page {
        let url = if path.starts_with("http") { path.to_owned() } else { format!("{}{path}", self.base) };
        self.send(browser, self.http.get(url)).await
    }

    /// Posts fields as a urlencoded form, exactly as given (no CSRF token added).
    pub async fn post_raw(&self, browser: &mut Browser, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        self.send(browser, request).await
    }

    /// Opens `form_page`, takes its CSRF token and posts `fields` with it to `path`.
    pub async fn post_form(&self, browser: &mut Browser, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(browser, form_page).await;
        let token = csrf_of(&page.body);
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(browser, path, &all).await
    }

    /// Signs up, then logs in, and returns the logged-in browser.
    pub async fn sign_up(&self, email: &str) -> Browser {
        let mut browser = Browser::default();
        let page =
            self.post_form(&mut browser, "/signup", "/signup", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Check your inbox"), "{}", page.body);
        let login = self.post_form(&mut browser, "/login", "/login", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
        browser
    }

    /// The link of the newest mail of `template` to `to`, from the outbox.
    pub async fn mailed_link(&self, to: &str, template: &str) -> String {
        let text: String = sqlx::query_scalar(
            "select body_text from email_outbox where lower(recipient) = lower($1) and template = $2 order by outbox_id desc limit 1",
        )
        .bind(to)
        .bind(template)
        .fetch_one(&self.pool)
        .await
        .expect("a mail was queued");
        let start = text.find(&self.base).expect("the mail has an absolute link");
        text[start..].split_whitespace().next().expect("a link").to_owned()
    }

    /// The organisation id of the user with this email (their personal one).
    pub async fn org_of(&self, email: &str) -> i64 {
        sqlx::query_scalar(
            "select m.org_id from memberships m join users u using (user_id) where lower(u.email) = lower($1) and m.role = 'owner' order by m.org_id limit 1",
        )
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .expect("an organisation")
    }

    pub async fn add_platform(&self, slug: &str) -> i64 {
        sqlx::query_scalar("insert into platforms (slug, name) values ($1, initcap($1)) returning platform_id")
            .bind(slug)
            .fetch_one(&self.pool)
            .await
            .expect("a platform")
    }

    pub async fn set_plan(&self, org: i64, plan: &str) {
        sqlx::query("update organisations set plan = $2, plan_until = null where org_id = $1")
            .bind(org)
            .bind(plan)
            .execute(&self.pool)
            .await
            .expect("the plan is set");
        // The web process learns of the change by a Postgres notification, milliseconds later;
        // a loaded test machine can send the next request first. Forget the remembered views
        // here, as the process does when it makes such a change itself.
        self.state.page_cache.viewers.forget_all();
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The CSRF token in a page's form.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).map(|i| i + marker.len()).unwrap_or_else(|| panic!("no CSRF field in {html}"));
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// The path and query of an absolute link.
pub fn path_of(link: &str) -> String {
    let url = url::Url::parse(link).expect("a URL");
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

fn token_of(link: &str) -> String {
    url::Url::parse(link)
        .expect("a URL")
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("a token")
}

#[sqlx::test]
async fn signing_up_mails_a_link_that_verifies_the_email_once(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("ada@example.com").await;
    let account = app.get(&mut browser, "/account").await;
    assert!(account.body.contains("not confirmed yet"), "{}", account.body);

    let link = app.mailed_link("ada@example.com", "verify-email").await;
    let page = app.post_form(&mut browser, &path_of(&link), "/verify-email", &[("token", &token_of(&link))]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Your email address is confirmed"));
    let account = app.get(&mut browser, "/account").await;
    assert!(!account.body.contains("not confirmed yet"));

    let again = app.get(&mut browser, &path_of(&link)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.body.contains("already used"));
}

#[sqlx::test]
async fn a_weak_password_or_garbage_email_reshows_the_form_with_the_reason(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = Browser::default();
    let weak =
        app.post_form(&mut browser, "/signup", "/signup", &[("email", "bob@example.com"), ("password", "short")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        weak.body.contains("at least 10 characters") && weak.body.contains("value=\"bob@example.com\""),
        "{}",
        weak.body
    );
    let garbage =
        app.post_form(&mut browser, "/signup", "/signup", &[("email", "<script>"), ("password", PASSWORD)]).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(garbage.body.contains("is not an email address") && !garbage.body.contains("<script>"));
    let nothing = app.post_form(&mut browser, "/signup", "/signup", &[]).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn logging_in_rotates_the_session_and_logging_out_ends_it(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.sign_up("cy@example.com").await;
    let mut browser = Browser::default();
    let form = app.get(&mut browser, "/login").await;
    let before = browser.cookie.clone().expect("a session before login");
    let token = csrf_of(&form.body);
    let page = app
        .post_raw(
            &mut browser,
            "/login",
            &[("csrf_token", &token), ("email", "CY@example.com"), ("password", PASSWORD), ("next", "/account")],
        )
        .await;
    assert_eq!((page.status, page.location.as_deref()), (StatusCode::SEE_OTHER, Some("/account")));
    assert_ne!(browser.cookie.as_deref(), Some(before.as_str()), "the session id changes at login");
    assert_eq!(app.get(&mut browser, "/account").await.status, StatusCode::OK);

    let out = app.post_form(&mut browser, "/account", "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = app.get(&mut browser, "/account").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    let location = after.location.unwrap_or_default();
    assert!(location.starts_with("/login?next="), "{location}");
}

#[sqlx::test]
async fn a_wrong_password_is_refused_and_repeated_failures_say_when_to_try_again(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.sign_up("dan@example.com").await;
    let mut browser = Browser::default();
    for _ in 0..5 {
        let page = app
            .post_form(
                &mut browser,
                "/login",
                "/login",
                &[("email", "dan@example.com"), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("do not match"));
    }
    let limited =
        app.post_form(&mut browser, "/login", "/login", &[("email", "dan@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Try again in 15 minutes"), "{}", limited.body);
}

#[sqlx::test]
async fn too_many_attempts_from_one_address_are_limited_across_accounts(pool: PgPool) {
    let app = WebApp::spawn_with(pool, |c| c.auth_attempts_per_ip = 3).await;
    let mut browser = Browser::default();
    for n in 0..3 {
        let email = format!("p{n}@example.com");
        let page = app
            .post_form(&mut browser, "/login", "/login", &[("email", &email), ("password", "whatever at all")])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited =
        app.post_form(&mut browser, "/login", "/login", &[("email", "p9@example.com"), ("password", "x")]).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Try again in"));
}

#[sqlx::test]
async fn a_reset_link_works_once_and_not_after_it_expires(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    app.sign_up("eve@example.com").await;
    let mut browser = Browser::default();
    let asked =
        app.post_form(&mut browser, "/password/forgot", "/password/forgot", &[("email", "eve@example.com")]).await;
    assert!(asked.body.contains("If an account exists"));
    let link = app.mailed_link("eve@example.com", "reset-password").await;
    let token = token_of(&link);
    let stored: i64 = sqlx::query_scalar("select count(*) from tokens where token_hash = $1")
        .bind(&token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "the raw token is never stored");

    let new_password = "a brand new passphrase 42";
    let done = app
        .post_form(&mut browser, &path_of(&link), "/password/reset", &[("token", &token), ("password", new_password)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let again = app
        .post_form(
            &mut browser,
            "/login",
            "/password/reset",
            &[("token", &token), ("password", "another passphrase 43")],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let login = app
        .post_form(&mut browser, "/login", "/login", &[("email", "eve@example.com"), ("password", new_password)])
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);

    app.post_form(&mut Browser::default(), "/password/forgot", "/password/forgot", &[("email", "eve@example.com")])
        .await;
    let link = app.mailed_link("eve@example.com", "reset-password").await;
    sqlx::query(
        "update tokens set expires_at = now() - interval '1 minute' where kind = 'reset-password' and used_at is null",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let expired = app.get(&mut Browser::default(), &path_of(&link)).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND);
    assert!(expired.body.contains("has expired"));
}

#[sqlx::test]
async fn a_form_without_or_with_a_wrong_csrf_token_is_refused_with_403(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("fay@example.com").await;
    let missing =
        app.post_raw(&mut browser, "/account/preferences", &[("weekly_digest", "on"), ("digest_weekday", "2")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("reload the page"), "{}", missing.body);
    let wrong =
        app.post_raw(&mut browser, "/account/preferences", &[("csrf_token", "forged"), ("digest_weekday", "2")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let fresh =
        app.post_raw(&mut Browser::default(), "/login", &[("email", "fay@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(fresh.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn preferences_are_saved_and_garbage_gets_422_with_the_form(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("gus@example.com").await;
    let saved = app
        .post_form(
            &mut browser,
            "/account",
            "/account/preferences",
            &[("weekly_digest", "on"), ("digest_weekday", "3")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = app.get(&mut browser, "/account").await;
    assert!(page.body.contains("<option value=\"3\" selected>Wednesday"), "{}", page.body);
    let garbage =
        app.post_form(&mut browser, "/account", "/account/preferences", &[("digest_weekday", "funday")]).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(garbage.body.contains("Choose the digest&#39;s weekday") || garbage.body.contains("Choose the digest"));
}

#[sqlx::test]
async fn the_verification_mail_reaches_the_smtp_server_and_its_link_verifies(pool: PgPool) {
    let app = WebApp::spawn(pool).await;
    let mut browser = app.sign_up("mia@example.com").await;
    let sink = crate::mail_sink::MailSink::start();
    let from: lettre::message::Mailbox = "ClauseWatch <alerts@clausewatch.test>".parse().unwrap();
    let mailer = clausewatch::mail::Mailer::smtp(&sink.smtp_url().parse().unwrap(), from).unwrap();
    clausewatch::mail::delivery::run_pending(&app.pool, &mailer).await.expect("delivery runs");
    let mails = sink.wait_for(1);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.subject.contains("Confirm your email address"), "{}", mail.subject);
    let start = mail.text.find(&app.base).expect("an absolute link in the text part");
    let link = mail.text[start..].split_whitespace().next().unwrap().to_owned();
    let page = app.post_form(&mut browser, &path_of(&link), "/verify-email", &[("token", &token_of(&link))]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Your email address is confirmed"));
}
