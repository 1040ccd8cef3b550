package fake

import (
	"context"

	"github.com/lambdaops/lambdaops/model"
)

// Alarms implements awsapi.Alarms over AlarmList.
func (s *Session) Alarms(ctx context.Context, refresh bool) (*model.AlarmIndex, error) {
	s.count("Alarms")
	if s.Err != nil {
		return nil, s.Err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.AlarmErr != nil {
		return nil, s.AlarmErr
	}
	return model.NewAlarmIndex(append([]model.Alarm(nil), s.AlarmList...)), nil
}

// AlarmHistory implements awsapi.Alarms over AlarmHist.
func (s *Session) AlarmHistory(ctx context.Context, name string, max int) ([]model.AlarmHistory, error) {
	s.count("AlarmHistory")
	if s.Err != nil {
		return nil, s.Err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.AlarmHist[name]
	if max > 0 && len(h) > max {
		h = h[:max]
	}
	return append([]model.AlarmHistory(nil), h...), nil
}

// SetAlarmState is a journaled fake mutation that also sets the state.
func (s *Session) SetAlarmState(ctx context.Context, name, state, reason string) error {
	if err := s.mutate("SetAlarmState", "alarm:"+name); err != nil {
		return err
	}
	s.mu.Lock()
	for i := range s.AlarmList {
		if s.AlarmList[i].Name == name {
			s.AlarmList[i].State, s.AlarmList[i].Reason = state, reason
		}
	}
	s.mu.Unlock()
	return nil
}

// SetAlarmActions is a journaled fake mutation that also sets the flag.
func (s *Session) SetAlarmActions(ctx context.Context, names []string, enabled bool, reason string) error {
	op := "DisableAlarmActions"
	if enabled {
		op = "EnableAlarmActions"
	}
	if len(names) == 0 {
		return nil
	}
	if err := s.mutate(op, "alarm:"+names[0]); err != nil {
		return err
	}
	s.mu.Lock()
	for i := range s.AlarmList {
		for _, n := range names {
			if s.AlarmList[i].Name == n {
				s.AlarmList[i].ActionsEnabled = enabled
			}
		}
	}
	s.mu.Unlock()
	return nil
}
