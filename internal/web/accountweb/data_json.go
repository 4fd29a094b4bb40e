package accountweb

import (
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/moderation"
	"capacityhub/internal/web/site"
)

// memberDataJSON is "download my data": everything the site keeps about the member, from the
// accounts (auth.AccountRecord), the courses (course.LearnerRecord) and the audit log. It holds
// no secret: no password hash, token, token hash, two-step verification key or recovery code.
type memberDataJSON struct {
	ExportedAt   string                `json:"exported_at"`
	Account      accountDataJSON       `json:"account"`
	TwoStep      twoStepDataJSON       `json:"two_step_verification"`
	Sessions     []sessionDataJSON     `json:"browser_sessions"`
	APITokens    []tokenDataJSON       `json:"api_refresh_tokens"`
	Resets       []resetDataJSON       `json:"password_reset_links"`
	Emails       []emailDataJSON       `json:"emails"`
	Enrolments   []enrolmentDataJSON   `json:"enrolments"`
	Lessons      []lessonDataJSON      `json:"lessons_completed"`
	Attempts     []attemptDataJSON     `json:"quiz_attempts"`
	Pauses       []pauseDataJSON       `json:"quiz_attempt_limits"`
	Certificates []certificateDataJSON `json:"certificates"`
	Audit        []auditDataJSON       `json:"audit_log"`
	Notes        []string              `json:"notes"`
}

type accountDataJSON struct {
	userJSON
	UpdatedAt string `json:"updated_at"`
	Disabled  bool   `json:"disabled"`
}

type twoStepDataJSON struct {
	Enabled           bool    `json:"enabled"`
	Since             *string `json:"since"`
	RecoveryCodesLeft int     `json:"recovery_codes_left"`
}

type sessionDataJSON struct {
	CreatedAt  string `json:"created_at"`
	LastSeenAt string `json:"last_seen_at"`
	ExpiresAt  string `json:"expires_at"`
}

type tokenDataJSON struct {
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
	RevokedAt *string `json:"revoked_at"`
}

type resetDataJSON struct {
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
}

type emailDataJSON struct {
	Subject   string  `json:"subject"`
	CreatedAt string  `json:"created_at"`
	SentAt    *string `json:"sent_at"`
}

type enrolmentDataJSON struct {
	Course      string  `json:"course"`
	EnrolledAt  string  `json:"enrolled_at"`
	CompletedAt *string `json:"completed_at"`
}

type lessonDataJSON struct {
	Course      string `json:"course"`
	Lesson      string `json:"lesson"`
	CompletedAt string `json:"completed_at"`
}

type attemptDataJSON struct {
	ID      string              `json:"id"`
	Course  string              `json:"course"`
	Quiz    string              `json:"quiz"`
	Score   int                 `json:"score"`
	Passed  bool                `json:"passed"`
	Answers map[string][]string `json:"answers"`
	At      string              `json:"created_at"`
}

type pauseDataJSON struct {
	Course      string  `json:"course"`
	Quiz        string  `json:"quiz"`
	Failures    int     `json:"failures"`
	LockedUntil *string `json:"locked_until"`
}

type certificateDataJSON struct {
	ID       string `json:"id"`
	Course   string `json:"course"`
	Name     string `json:"name"`
	IssuedAt string `json:"issued_at"`
	URL      string `json:"url"`
}

// auditDataJSON is an audit entry about the member. Who acted is said only as whether it was
// them (another member's id is not theirs to see), and the client address only of what they did
// themselves (a failed sign-in on their address may come from someone else).
type auditDataJSON struct {
	At     string `json:"at"`
	Action string `json:"action"`
	ByYou  bool   `json:"by_you"`
	IP     string `json:"ip,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// exportNotes say what the file leaves out, and why.
var exportNotes = []string{
	"Passwords are kept only as Argon2id hashes; no hash, token, two-step verification key or recovery code is in this file.",
	"With Redis (REDIS_URL), browser sessions are kept there under the hash of their cookie only and are not listed here.",
	"The audit log shows whether an entry was your own action; the client address only of your own actions.",
}

func optTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := site.APITime(*t)
	return &s
}

// toMemberDataJSON puts the records together.
func toMemberDataJSON(base string, now time.Time, a *auth.AccountRecord, l *course.LearnerRecord, events []moderation.AuditEvent) memberDataJSON {
	u := a.User
	d := memberDataJSON{ExportedAt: site.APITime(now), Notes: exportNotes,
		Account: accountDataJSON{userJSON: toUserJSON(u), UpdatedAt: site.APITime(a.UpdatedAt), Disabled: u.Disabled},
		TwoStep: twoStepDataJSON{Enabled: a.MFA.On, RecoveryCodesLeft: a.MFA.RecoveryLeft},
		// NB: empty lists, not null, so that a reader sees there is nothing rather than wondering.
		Sessions: []sessionDataJSON{}, APITokens: []tokenDataJSON{}, Resets: []resetDataJSON{}, Emails: []emailDataJSON{},
		Enrolments: []enrolmentDataJSON{}, Lessons: []lessonDataJSON{}, Attempts: []attemptDataJSON{}, Pauses: []pauseDataJSON{},
		Certificates: []certificateDataJSON{}, Audit: []auditDataJSON{}}
	if a.MFA.On {
		d.TwoStep.Since = optTime(&a.MFA.Since)
	}
	for _, s := range a.Sessions {
		d.Sessions = append(d.Sessions, sessionDataJSON{CreatedAt: site.APITime(s.Created), LastSeenAt: site.APITime(s.LastSeen), ExpiresAt: site.APITime(s.Expires)})
	}
	for _, t := range a.APITokens {
		d.APITokens = append(d.APITokens, tokenDataJSON{CreatedAt: site.APITime(t.Created), ExpiresAt: site.APITime(t.Expires), UsedAt: optTime(t.Used), RevokedAt: optTime(t.Revoked)})
	}
	for _, r := range a.Resets {
		d.Resets = append(d.Resets, resetDataJSON{CreatedAt: site.APITime(r.Created), ExpiresAt: site.APITime(r.Expires), UsedAt: optTime(r.Used)})
	}
	for _, e := range a.Emails {
		d.Emails = append(d.Emails, emailDataJSON{Subject: e.Subject, CreatedAt: site.APITime(e.Created), SentAt: optTime(e.Sent)})
	}
	for _, e := range l.Enrolments {
		d.Enrolments = append(d.Enrolments, enrolmentDataJSON{Course: e.Course, EnrolledAt: site.APITime(e.Enrolled), CompletedAt: optTime(e.Completed)})
	}
	for _, x := range l.Lessons {
		d.Lessons = append(d.Lessons, lessonDataJSON{Course: x.Course, Lesson: x.Lesson, CompletedAt: site.APITime(x.Completed)})
	}
	for _, x := range l.Attempts {
		d.Attempts = append(d.Attempts, attemptDataJSON{ID: x.ID, Course: x.Course, Quiz: x.Quiz, Score: x.Score, Passed: x.Passed, Answers: x.Answers, At: site.APITime(x.At)})
	}
	for _, p := range l.Pauses {
		d.Pauses = append(d.Pauses, pauseDataJSON{Course: p.Course, Quiz: p.Quiz, Failures: p.Failures, LockedUntil: optTime(p.LockedUntil)})
	}
	for _, c := range l.Certificates {
		d.Certificates = append(d.Certificates, certificateDataJSON{ID: c.ID, Course: c.Course, Name: c.Name, IssuedAt: site.APITime(c.Issued),
			URL: base + site.Path("certificates", c.ID)})
	}
	for _, e := range events {
		x := auditDataJSON{At: site.APITime(e.At), Action: e.Action, ByYou: e.ActorID == u.ID, Detail: e.Detail}
		if x.ByYou {
			x.IP = e.IP
		}
		d.Audit = append(d.Audit, x)
	}
	return d
}
