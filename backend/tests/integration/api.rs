//! The JSON API and static serving, driven in-process.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use ferry_backend::config::ServeConfig;
use ferry_backend::server::{AppState, app};
use ferry_backend::store::Store;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct TestApp {
    router: Router,
    _dir: tempfile::TempDir,
}

async fn test_app(with_page: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    if with_page {
        std::fs::write(
            static_dir.join("index.html"),
            "<!doctype html><title>Ferry page</title>",
        )
        .unwrap();
        std::fs::write(static_dir.join("app.css"), "body{}").unwrap();
    }
    let mut config = ServeConfig {
        data_dir: dir.path().join("data"),
        static_dir,
        ..ServeConfig::default()
    };
    config.limits.max_items = 1234;
    let store = Store::open(&config.data_dir).await.unwrap();
    let state = AppState::new(config, store);
    TestApp {
        router: app(state),
        _dir: dir,
    }
}

async fn get(router: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn health_reports_the_store_schema() {
    let app = test_app(true).await;
    let (status, _, body) = get(&app.router, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(
        json["schema_version"],
        ferry_backend::store::migrations::latest()
    );
}

#[tokio::test]
async fn config_gives_the_page_the_site_limits() {
    let app = test_app(true).await;
    let (status, _, body) = get(&app.router, "/api/config").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["limits"]["max_items"], 1234);
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let app = test_app(true).await;
    let (status, headers, body) = get(&app.router, "/api/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["content-type"], "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"]["code"], "not_found");
}

#[tokio::test]
async fn page_assets_and_client_routes_are_served_with_safe_headers() {
    let app = test_app(true).await;
    let (status, headers, body) = get(&app.router, "/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "body{}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    let (status, _, body) = get(&app.router, "/preview/some/route").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Ferry page"));
}

#[tokio::test]
async fn missing_page_build_is_explained() {
    let app = test_app(false).await;
    let (status, _, body) = get(&app.router, "/").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("not built"), "{body}");
}
