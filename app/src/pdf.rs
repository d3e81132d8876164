//! A small PDF writer for Haven's paper: one US-Letter page of text (the standard Helvetica fonts,
//! WinAnsi), filled rectangles and stroked paths. Enough for Appendix A and the monthly report,
//! without a PDF dependency in the build. Plain Rust, no I/O.

use std::fmt::Write;

/// One page being drawn. Coordinates are PDF points from the bottom-left corner.
#[derive(Default)]
pub struct Page {
    ops: String,
}

/// Letter: 612 × 792 points.
pub const WIDTH: f32 = 612.0;
pub const HEIGHT: f32 = 792.0;

/// Text as WinAnsi bytes inside a PDF string, escaped. Characters outside Latin-1 become `?`.
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\u{2014}' => out.push_str("\\227"),
            '\u{2013}' => out.push_str("\\226"),
            '\u{2019}' => out.push_str("\\222"),
            ' '..='~' => out.push(c),
            c if (c as u32) >= 0xa0 && (c as u32) <= 0xff => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

impl Page {
    pub fn new() -> Self {
        Self::default()
    }

    /// Text at (x, y) from the top-left corner (y grows downwards, like a page is read).
    pub fn text(&mut self, x: f32, y_from_top: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { "F2" } else { "F1" };
        let _ = writeln!(
            self.ops,
            "BT /{font} {size} Tf {x:.1} {:.1} Td {} Tj ET",
            HEIGHT - y_from_top,
            pdf_string(text)
        );
    }

    /// A filled grey rectangle, top-left anchored.
    pub fn rect(&mut self, x: f32, y_from_top: f32, w: f32, h: f32) {
        let _ = writeln!(
            self.ops,
            "0.35 0.45 0.6 rg {x:.1} {:.1} {w:.1} {h:.1} re f 0 g",
            HEIGHT - y_from_top - h
        );
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x: f32, y_from_top: f32, w: f32) {
        let y = HEIGHT - y_from_top;
        let _ = writeln!(self.ops, "0.5 w {x:.1} {y:.1} m {:.1} {y:.1} l S", x + w);
    }

    /// An SVG path made of `M x y` and `L x y` commands (the signature pad's), scaled into a box
    /// whose top-left corner is (x, y).
    pub fn svg_path(&mut self, d: &str, x: f32, y_from_top: f32, scale: f32) {
        let mut tokens = d
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty());
        let mut out = String::from("1.2 w 1 J 1 j ");
        while let Some(tok) = tokens.next() {
            let (cmd, first) = tok.split_at(1);
            let op = match cmd {
                "M" => "m",
                "L" => "l",
                _ => continue,
            };
            let px: f32 = if first.is_empty() {
                tokens.next().and_then(|t| t.parse().ok()).unwrap_or(0.0)
            } else {
                first.parse().unwrap_or(0.0)
            };
            let py: f32 = tokens.next().and_then(|t| t.parse().ok()).unwrap_or(0.0);
            let _ = write!(
                out,
                "{:.1} {:.1} {op} ",
                x + px * scale,
                HEIGHT - (y_from_top + py * scale)
            );
        }
        out.push_str("S\n");
        self.ops.push_str(&out);
    }

    /// The finished document.
    pub fn finish(self, title: &str) -> Vec<u8> {
        document(vec![self], title)
    }
}

/// A document of several pages. Objects: 1 catalog, 2 page tree, 3–4 fonts, 5 info, then each
/// page and its content stream.
pub fn document(pages: Vec<Page>, title: &str) -> Vec<u8> {
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 6 + 2 * i))
        .collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_string(),
        format!("<< /Title {} /Producer (Haven) >>", pdf_string(title)),
    ];
    for (i, page) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            7 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{}endstream",
            page.ops.len(),
            page.ops
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in &offsets {
        let _ = writeln!(out, "{o:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    // WinAnsi escapes are ASCII, so the string's bytes are the file's bytes.
    out.into_bytes()
}

/// Break `text` into lines of at most `width` characters, at spaces; a word longer than a line is
/// cut. Line breaks in the text are kept.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(word.drain(..width).collect());
            }
            let word: String = word.into_iter().collect();
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if needed > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

/// Text flowing down pages: wrapped to the margins, a new page when one is full, each page
/// footed with `footer` and its number.
pub struct Flow {
    pages: Vec<Page>,
    page: Page,
    y: f32,
    footer: String,
}

/// Margins (points): 1 inch on every side.
const MARGIN: f32 = 72.0;

impl Flow {
    pub fn new(footer: &str) -> Self {
        Self {
            pages: Vec::new(),
            page: Page::new(),
            y: MARGIN,
            footer: footer.to_string(),
        }
    }

    fn next_page(&mut self) {
        let done = std::mem::take(&mut self.page);
        self.pages.push(done);
        self.y = MARGIN;
    }

    /// A paragraph at `size` points, wrapped.
    pub fn para(&mut self, text: &str, size: f32, bold: bool) {
        // Helvetica averages about half an em per character, capitals about 0.65: wrap as if
        // every character were 0.62 em wide, so a line in capitals stays inside the margin.
        let width = ((WIDTH - 2.0 * MARGIN) / (size * 0.62)) as usize;
        for line in wrap(text, width) {
            if self.y + size > HEIGHT - MARGIN - 16.0 {
                self.next_page();
            }
            self.page.text(MARGIN, self.y, size, bold, &line);
            self.y += size * 1.35;
        }
    }

    /// Space before the next paragraph.
    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A rule across the text width.
    pub fn rule(&mut self) {
        self.page.rule(MARGIN, self.y, WIDTH - 2.0 * MARGIN);
        self.y += 10.0;
    }

    pub fn finish(mut self, title: &str) -> Vec<u8> {
        self.next_page();
        let total = self.pages.len();
        for (i, p) in self.pages.iter_mut().enumerate() {
            let foot = format!("{} - page {} of {total}", self.footer, i + 1);
            p.text(MARGIN, HEIGHT - 40.0, 8.0, false, &foot);
        }
        document(self.pages, title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_a_well_formed_pdf() {
        let mut p = Page::new();
        p.text(72.0, 72.0, 14.0, true, "Monthly report (Dec) — $60.00 café");
        p.rect(72.0, 100.0, 50.0, 20.0);
        p.svg_path("M10 10 L20 20 L30 15", 72.0, 200.0, 0.5);
        let bytes = p.finish("Report");
        let s = String::from_utf8(bytes.clone()).unwrap();
        assert!(s.starts_with("%PDF-1.4\n"));
        assert!(s.ends_with("%%EOF\n"));
        assert!(s.contains("(Monthly report \\(Dec\\) \\227 $60.00 caf\\351)"));
        // startxref points at the xref table, and every offset at its object.
        let start: usize = s
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(s[start..].starts_with("xref"));
        for (i, line) in s[start..].lines().skip(3).take(7).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                s[off..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
        assert!(
            s.contains("77.0 587.0 m 82.0 582.0 l 87.0 584.5 l S"),
            "path drawn"
        );
    }

    #[test]
    fn text_wraps_at_spaces_and_keeps_line_breaks() {
        assert_eq!(
            wrap("one two three four\nfive", 9),
            vec!["one two", "three", "four", "five"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }

    #[test]
    fn a_long_flow_takes_several_pages_each_numbered() {
        let mut f = Flow::new("Client copy");
        for i in 0..120 {
            f.para(&format!("Line {i} of a long record"), 10.0, false);
        }
        let s = String::from_utf8(f.finish("Copy")).unwrap();
        assert!(s.contains("/Count 3"), "three pages");
        assert!(s.contains("(Client copy - page 3 of 3)"));
        assert!(s.contains("(Line 119 of a long record)"));
    }
}
