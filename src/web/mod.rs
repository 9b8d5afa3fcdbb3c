//! The web app: pages, the JSON API and health checks. Each module exposes `router()`; this
//! one merges them, adds the layers and attaches the state once.
mod health;
mod metrics;

use axum::{Router, http::Request, middleware};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::startup::AppState;

/// The whole web app.
pub fn router(state: AppState) -> Router {
    crate::metrics::handle();
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .route_layer(middleware::from_fn(metrics::track))
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
                    tracing::info_span!("request", method = %request.method(), request.id = id.unwrap_or("-"))
                }))
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
}
