//! The browser's idle lock (issue 4; CJIS Security Policy 5.5.5, session lock): after
//! [`IDLE_MINUTES`] without a touch, a key or a scroll ([`PHONE_IDLE_MINUTES`] on the phone layout,
//! where a phone left on a car seat or a resident's table is the risk), the screen blanks at once,
//! the session is ended on the server and the sign-in page opens saying why. The server keeps its own
//! 30-minute idle limit whatever the browser does (`auth::server`), so a tampered page gains nothing.

/// A session (and the browser's lock) ends after this long without use.
pub const IDLE_MINUTES: i64 = 30;
/// The phone layout locks sooner.
pub const PHONE_IDLE_MINUTES: i64 = 15;
// The browser never outlives the server's idle limit.
const _: () = assert!(PHONE_IDLE_MINUTES <= IDLE_MINUTES);

/// Viewports narrower than this (CSS pixels) are the phone layout (the stylesheet's breakpoint).
pub const PHONE_MAX_WIDTH: f64 = 700.0;

/// Minutes without input before the browser locks, for a viewport this wide.
pub fn lock_after_minutes(viewport_width: f64) -> i64 {
    if viewport_width < PHONE_MAX_WIDTH {
        PHONE_IDLE_MINUTES
    } else {
        IDLE_MINUTES
    }
}

/// Arm the lock for this page load (once; later calls do nothing). Called by every signed-in page.
/// On the server it does nothing.
pub fn install() {
    #[cfg(feature = "hydrate")]
    browser::install();
}

/// The lock button: blank the screen now and end the session, as the idle lock does.
pub fn lock_now() {
    #[cfg(feature = "hydrate")]
    browser::lock_now();
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    thread_local! {
        static ARMED: Cell<bool> = const { Cell::new(false) };
        static LOCKED: Cell<bool> = const { Cell::new(false) };
        static LAST_INPUT: Cell<f64> = const { Cell::new(0.0) };
    }

    /// How often the lock looks at the clock.
    const CHECK_EVERY_MS: i32 = 10_000;

    pub fn install() {
        if ARMED.with(|a| a.replace(true)) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        LAST_INPUT.with(|l| l.set(js_sys::Date::now()));
        // Lives as long as the page: installed once per load, never removed.
        let touched =
            Closure::<dyn FnMut()>::new(|| LAST_INPUT.with(|l| l.set(js_sys::Date::now())));
        for event in [
            "pointerdown",
            "keydown",
            "wheel",
            "touchstart",
            "scroll",
            "input",
        ] {
            let _ =
                window.add_event_listener_with_callback(event, touched.as_ref().unchecked_ref());
        }
        touched.forget();
        let check = Closure::<dyn FnMut()>::new(|| {
            let Some(w) = web_sys::window() else {
                return;
            };
            let width = w
                .inner_width()
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(1024.0);
            let limit_ms = super::lock_after_minutes(width) as f64 * 60_000.0;
            let idle_ms = js_sys::Date::now() - LAST_INPUT.with(|l| l.get());
            if idle_ms >= limit_ms && !LOCKED.with(|l| l.replace(true)) {
                lock(&w, "idle");
            }
        });
        let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
            check.as_ref().unchecked_ref(),
            CHECK_EVERY_MS,
        );
        check.forget();
        if let Some(body) = window.document().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-idle-lock", "armed");
        }
    }

    pub fn lock_now() {
        if let Some(w) = web_sys::window() {
            if !LOCKED.with(|l| l.replace(true)) {
                lock(&w, "now");
            }
        }
    }

    /// Blank the screen now (with no signal the rest may take a while), end the session, sign in.
    fn lock(w: &web_sys::Window, why: &'static str) {
        if let Some(body) = w.document().and_then(|d| d.body()) {
            let _ = body.class_list().add_1("locked");
        }
        leptos::task::spawn_local(async move {
            let _ = crate::auth::api::sign_out().await;
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&format!("/login?locked={why}"));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_lock_sooner_than_tablets_and_desktops() {
        assert_eq!(lock_after_minutes(390.0), 15);
        assert_eq!(lock_after_minutes(699.0), 15);
        assert_eq!(lock_after_minutes(700.0), 30);
        assert_eq!(lock_after_minutes(820.0), 30);
    }
}
