package webtest

import "testing/fstest"

// PageCourses are the courses the page tests read, written out as content/ holds them:
//   - ai-basics: introductory, tags ai and spectrum; module "basics" (what-is-ai, data, and a quiz:
//     q1 single choice, b right; q2 select all that apply, a and c right) and module "practice"
//     (in-practice, no quiz). Written in English, French and Arabic; only what-is-ai is translated,
//     so data and in-practice fall back to English, and so does the quiz.
//   - ai-governance: advanced, English only, builds on ai-basics.
var PageCourses = fstest.MapFS{
	"ai-basics/course.toml": {Data: []byte(`level = "introductory"
estimated_minutes = 45
tags = ["ai", "spectrum"]
prerequisites = []

[[modules]]
slug = "basics"
lessons = ["what-is-ai", "data"]

[modules.quiz]
pass_mark = 70

[[modules.quiz.questions]]
id = "q1"
choices = ["a", "b", "c"]
correct = ["b"]

[[modules.quiz.questions]]
id = "q2"
choices = ["a", "b", "c"]
correct = ["a", "c"]

[[modules]]
slug = "practice"
lessons = ["in-practice"]
`)},
	"ai-basics/en/course.toml": {Data: []byte(`title = "AI basics for regulators"
summary = "What artificial intelligence is, and what it needs."

[modules.basics]
title = "The basics"
quiz_title = "Check your understanding"

[modules.practice]
title = "In practice"
`)},
	"ai-basics/en/basics/what-is-ai.md":    {Data: []byte("# What is AI\n\nArtificial intelligence learns patterns from data.\n")},
	"ai-basics/en/basics/data.md":          {Data: []byte("# Data comes first\n\nA model is only as good as its training data.\n")},
	"ai-basics/en/practice/in-practice.md": {Data: []byte("# AI in practice\n\nOperators use AI to predict faults in their networks.\n")},
	"ai-basics/en/basics/quiz.toml": {Data: []byte(`[q1]
text = "What does a machine-learning model learn from?"
explanation = "EXPLAIN-Q1: models learn patterns from training data."

[q1.choices]
a = "Licence fees"
b = "Data"
c = "Radio towers"

[q2]
text = "Which of these can AI help an operator do?"
explanation = "EXPLAIN-Q2: prediction and detection are typical uses."

[q2.choices]
a = "Predict faults"
b = "Repeal laws"
c = "Detect anomalies"
`)},
	"ai-basics/fr/course.toml": {Data: []byte(`title = "Les bases de l'IA pour les régulateurs"
summary = "Ce qu'est l'intelligence artificielle, et ce dont elle a besoin."

[modules.basics]
title = "Les bases"
quiz_title = "Vérifiez vos connaissances"

[modules.practice]
title = "En pratique"
`)},
	"ai-basics/fr/basics/what-is-ai.md": {Data: []byte("# Qu'est-ce que l'IA\n\nL'intelligence artificielle apprend des régularités à partir de données.\n")},
	"ai-basics/ar/course.toml": {Data: []byte(`title = "أساسيات الذكاء الاصطناعي للجهات التنظيمية"
summary = "ما هو الذكاء الاصطناعي وما الذي يحتاج إليه."

[modules.basics]
title = "الأساسيات"
quiz_title = "اختبر فهمك"

[modules.practice]
title = "في الممارسة"
`)},
	"ai-basics/ar/basics/what-is-ai.md": {Data: []byte("# ما هو الذكاء الاصطناعي\n\nيتعلم الذكاء الاصطناعي الأنماط من البيانات.\n")},
	"ai-governance/course.toml": {Data: []byte(`level = "advanced"
estimated_minutes = 60
tags = ["ai", "governance"]
prerequisites = ["ai-basics"]

[[modules]]
slug = "rules"
lessons = ["principles"]
`)},
	"ai-governance/en/course.toml": {Data: []byte(`title = "Governing AI in telecommunications"
summary = "Principles for rules that keep AI accountable."

[modules.rules]
title = "Rules"
`)},
	"ai-governance/en/rules/principles.md": {Data: []byte("# Principles\n\nTransparency, accountability and human oversight.\n")},
}
