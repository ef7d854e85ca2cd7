//! Text, a Nightcore function in Rust. For input X it invokes Count (C) by a
//! literal name and Upper (Rust) by a name held in a String, and answers
//! `Text#N[<Count's reply>|<Upper's reply>]` in several appends, N being
//! this worker's call count. On input "fail" it appends, then fails (the
//! output must be dropped); on "panic" it panics (caught: the call fails).
#[macro_use]
mod nightcore;

use nightcore::Worker;

fn text(w: &mut Worker, input: &[u8]) -> Result<(), ()> {
    if input == b"fail" {
        w.append(b"partial");
        return Err(());
    }
    if input == b"panic" {
        w.append(b"partial");
        panic!("Text was asked to panic");
    }
    let count = w.invoke(c"Count", input)?;
    let upper_name = ["Up", "per"].concat(); // known only at run time
    let upper = w.invoke_named(&upper_name, input)?;
    w.append(format!("Text#{}[", w.calls).as_bytes());
    w.append(count);
    w.append(b"|");
    w.append(upper);
    w.append(b"]");
    Ok(())
}

nightcore_function!(text);
