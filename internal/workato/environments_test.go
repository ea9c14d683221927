package workato

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEnvironmentsDecode(t *testing.T) {
	tests := []struct {
		name, in string
		want     Environments
		wantErr  bool
	}{
		{"absent", `{}`, nil, false},
		{"null", `{"environments": null}`, nil, false},
		{"list by environment_type", `{"environments": [{"id": 29728, "environment_type": "test"}, {"id": 29729, "environment_type": "prod"}]}`,
			Environments{{"test", 29728}, {"prod", 29729}}, false},
		{"list by type, upper case, prod first", `{"environments": [{"id": 2, "type": "PROD"}, {"id": 1, "type": "TEST"}]}`,
			Environments{{"test", 1}, {"prod", 2}}, false},
		{"list by name, long names, string ids", `{"environments": [{"id": "7", "name": "Production"}, {"id": "6", "name": "Testing"}, {"id": 5, "name": "Development"}]}`,
			Environments{{"dev", 5}, {"test", 6}, {"prod", 7}}, false},
		{"object keyed by type", `{"environments": {"test": 11, "prod": 12}}`, Environments{{"test", 11}, {"prod", 12}}, false},
		{"unknown type skipped", `{"environments": [{"id": 3, "environment_type": "staging"}, {"id": 4, "environment_type": "test"}]}`,
			Environments{{"test", 4}}, false},
		{"known type without id", `{"environments": [{"environment_type": "test"}]}`, nil, true},
		{"negative id", `{"environments": {"prod": -1}}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Customer
			err := json.Unmarshal([]byte(tt.in), &c)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil {
				if diff := cmp.Diff(tt.want, c.Environments); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}
