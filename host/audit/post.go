package audit

import "time"

// Platforms a post can come from.
const (
	PlatformX         = "x"
	PlatformFacebook  = "facebook"
	PlatformLinkedIn  = "linkedin"
	PlatformInstagram = "instagram"
	PlatformText      = "text" // plain text, CSV or JSONL of posts
)

// Kinds of post.
const (
	KindPost    = "post"
	KindReply   = "reply"
	KindQuote   = "quote"
	KindRepost  = "repost"
	KindComment = "comment"
)

// Post is one post or comment read from an export.
type Post struct {
	// Source names where the post was read: the input path, and for an
	// archive the member inside it ("twitter.zip:data/tweets.js").
	Source string
	// Index is the post's position within its source, from 1.
	Index    int
	Platform string
	Kind     string
	ID       string
	// Time is when it was posted; zero when the export does not say.
	Time time.Time
	// URL links to the original post, to edit or delete it; empty when the
	// export has no link.
	URL string
	// ReplyTo names whom a reply answers ("@handle"), when known.
	ReplyTo string
	// Context is the export's own description of the post, e.g. Facebook's
	// "Jane commented on Sam's post.".
	Context string
	// Text is what was posted, as UTF-8.
	Text string
}
