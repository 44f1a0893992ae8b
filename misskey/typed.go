package misskey

import (
	"context"
	"encoding/json"
)

// Call is Request for Go values: params (nil, a map or a struct) is encoded
// with encoding/json, and the answer is decoded into out (a pointer, or nil to
// drop it). A 204 answer leaves out untouched. An answer that does not decode
// into out is an INVALID_RESPONSE *Error.
func (c *Client) Call(ctx context.Context, endpoint string, params, out any) error {
	var body []byte
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return &Error{Code: CodeInvalidArgument, Endpoint: endpoint, Message: "params: " + err.Error(), Err: err}
		}
		body = b
	}
	raw, err := c.Request(ctx, endpoint, body)
	if err != nil || raw == nil || out == nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Code: CodeInvalidResponse, Status: 200, Endpoint: endpoint, Message: "answer does not decode: " + err.Error(), Err: err}
	}
	return nil
}
