//! `surreal`: SurrealDB's own server CLI (`surreal start --bind 127.0.0.1:8000 --user root --pass
//! root memory`), built from the `surrealdb-server` library at the version the app uses.

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
