package awsapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/lambdaops/lambdaops/model"
)

// Alarms reads every pair's alarms in parallel and indexes them together
// (a pair without alarms, such as moto, is left out; ErrUnsupported only
// when no pair has them). AlarmHistory and the alarm mutations go to the
// pair that holds the alarm (by ARN, else by name when unambiguous).
func (m *Multi) Alarms(ctx context.Context, refresh bool) (*model.AlarmIndex, error) {
	ixs, errs := eachPair(m, func(s Session) (*model.AlarmIndex, error) { return s.Alarms(ctx, refresh) })
	var all []model.Alarm
	owner := map[string][]int{}
	ok := false
	var firstErr error
	for i, ix := range ixs {
		if errs[i] != nil {
			if firstErr == nil && !errors.Is(errs[i], ErrUnsupported) {
				firstErr = errs[i]
			}
			continue
		}
		ok = true
		for _, a := range ix.Alarms {
			all = append(all, a)
			owner[a.Name] = append(owner[a.Name], i)
			if a.ARN != "" {
				owner[a.ARN] = append(owner[a.ARN], i)
			}
		}
	}
	if !ok {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, ErrUnsupported
	}
	m.mu.Lock()
	m.alarmOwner = owner
	m.mu.Unlock()
	return model.NewAlarmIndex(all), nil
}

func (m *Multi) alarmSession(name string) (Session, error) {
	m.mu.Lock()
	pairs := m.alarmOwner[name]
	m.mu.Unlock()
	switch len(pairs) {
	case 1:
		return m.sessions[pairs[0]], nil
	case 0:
		if len(m.sessions) == 1 {
			return m.sessions[0], nil
		}
		return nil, fmt.Errorf("alarm %s is not in any open account and region (read the alarms first)", name)
	}
	return nil, fmt.Errorf("alarm %s exists in %d accounts or regions: use its ARN", name, len(pairs))
}

// AlarmHistory implements Alarms.
func (m *Multi) AlarmHistory(ctx context.Context, name string, max int) ([]model.AlarmHistory, error) {
	s, err := m.alarmSession(name)
	if err != nil {
		return nil, err
	}
	return s.AlarmHistory(ctx, name, max)
}

// SetAlarmState implements Alarms.
func (m *Multi) SetAlarmState(ctx context.Context, name, state, reason string) error {
	s, err := m.alarmSession(name)
	if err != nil {
		return err
	}
	return s.SetAlarmState(ctx, name, state, reason)
}

// SetAlarmActions implements Alarms (all names must live in one pair).
func (m *Multi) SetAlarmActions(ctx context.Context, names []string, enabled bool, reason string) error {
	if len(names) == 0 {
		return nil
	}
	s, err := m.alarmSession(names[0])
	if err != nil {
		return err
	}
	for _, n := range names[1:] {
		if o, err := m.alarmSession(n); err != nil || o != s {
			return fmt.Errorf("alarms %s and %s are in different accounts or regions", names[0], n)
		}
	}
	return s.SetAlarmActions(ctx, names, enabled, reason)
}
