//! Ping, a Rust function on a cycle with Pong (C): for input N > 0 it
//! invokes Pong with N - 1 and answers `ping<N>(<Pong's reply>)`; for 0 it
//! answers `ping0`; anything else fails. Each call also keeps a reply of its
//! own callee's callee alive across the nested call (lifetime on a cycle).
#[path = "../../../examples/rust/nightcore.rs"]
#[macro_use]
mod nightcore;

use nightcore::Worker;

fn ping(w: &mut Worker, input: &[u8]) -> Result<(), ()> {
    let n: u32 = std::str::from_utf8(input).map_err(|_| ())?.parse().map_err(|_| ())?;
    if n == 0 {
        w.append(b"ping0");
        return Ok(());
    }
    let below = (n - 1).to_string();
    let reply = w.invoke(c"Pong", below.as_bytes())?;
    let again = w.invoke(c"Pong", b"0")?; // after the nested calls returned
    w.append(format!("ping{n}(").as_bytes());
    w.append(reply);
    w.append(b")");
    if again != b"pong0" {
        return Err(());
    }
    Ok(())
}

nightcore_function!(ping);
