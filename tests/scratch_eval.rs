use tactful::source::{self, Format, SourceOptions};
#[test]
fn eval_dump() {
    let t = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/dev.jsonl")).unwrap();
    for line in t.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = v["format"].as_str().unwrap();
        if f == "txt" { continue; }
        let text = v["text"].as_str().unwrap();
        let doc = source::extract(text, Format::from_id(f).unwrap(), &SourceOptions::default()).unwrap();
        println!("== {} {} {:?}\n   {:?}", v["id"], f, v["labels"], text);
        for s in &doc.segments { println!("   -> {:?}", s.text.replace('\u{E000}', "⟨P⟩").replace('\u{E001}', "⟨C⟩")); }
    }
}
