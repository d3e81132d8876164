//! Haven terminating TLS itself (rustls): a client that trusts the certificate gets the pages over
//! TLS, with HSTS; a plain-HTTP client on the TLS port gets nothing.

use std::sync::Arc;

use crate::common::*;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn tls_app() -> (
    TestApp,
    std::net::SocketAddr,
    CertificateDer<'static>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.key_pair.serialize_pem()).unwrap();
    let config = server::tls::config(&cert_path, &key_path).unwrap();
    let app = spawn_with_hsts().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::tls::serve(
        app.router.clone(),
        listener,
        config,
        std::future::pending(),
    ));
    let der = certified.cert.der().clone();
    (app, addr, der, dir)
}

async fn get_over_tls(
    addr: std::net::SocketAddr,
    root: CertificateDer<'static>,
    path: &str,
) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake");
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn haven_serves_over_tls_with_hsts() {
    let (_app, addr, cert, _dir) = tls_app().await;
    let health = get_over_tls(addr, cert.clone(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok"), "{health}");
    let login = get_over_tls(addr, cert, "/login").await.to_lowercase();
    assert!(login.starts_with("http/1.1 200"), "{login}");
    assert!(
        login.contains("strict-transport-security: max-age=31536000; includesubdomains"),
        "{login}"
    );

    // Plain HTTP on the TLS port: the handshake fails and the connection closes with no page.
    let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = plain.read_to_end(&mut out).await;
    assert!(!String::from_utf8_lossy(&out).contains("200 OK"));
}

#[tokio::test]
async fn without_tls_there_is_no_hsts() {
    let app = spawn().await;
    let a = app
        .send(
            http::Request::get("/login")
                .header(http::header::HOST, "127.0.0.1:3000")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(a
        .headers
        .get(http::header::STRICT_TRANSPORT_SECURITY)
        .is_none());
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let a = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let b = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(dir.path().join("cert.pem"), a.cert.pem()).unwrap();
    std::fs::write(dir.path().join("key.pem"), b.key_pair.serialize_pem()).unwrap();
    let err =
        server::tls::config(&dir.path().join("cert.pem"), &dir.path().join("key.pem")).unwrap_err();
    assert!(err.contains("do not match"), "{err}");
    let err = server::tls::config(&dir.path().join("missing.pem"), &dir.path().join("key.pem"))
        .unwrap_err();
    assert!(err.contains("missing.pem"), "{err}");
}
