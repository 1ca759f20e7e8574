@rollback
Feature: Rolling a disk back to a snapshot, as a client does it
  The current ResetDisk reference opens with "Before you call this operation, read Roll back a
  disk by using a snapshot": take a snapshot (CreateSnapshot, then wait until DescribeSnapshots
  shows it accomplished), stop the instance (StopInstance, wait until DescribeInstances shows
  Stopped), ResetDisk, start the instance again (StartInstance, wait until Running). Here the whole
  procedure runs through the API only, as an SDK, a Terraform provider or an operator's script
  runs it: after the initial world, no control API but to read back what ECS does not show (the
  snapshot a disk was last reset to). Each transition is polled every 100 ms, within a bounded
  wait, and must show its state on the way, then its final one. Its durations are the world's:
  short, so that the run stays fast, and long enough that a poll sees the state on the way.

  # Every step of the procedure changes what it names, and the world states how long each takes:
  # on existing resources it is not run (docs/discover.md).
  @action:CreateSnapshot @action:StopInstance @action:ResetDisk @action:StartInstance
  Scenario Outline: A running instance's disk is rolled back to a new snapshot and the instance runs again (<format>)
    Given an instance "i-1" that is Running
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot takes 200 ms
    And a stop takes 200 ms
    And a start takes 200 ms
    When I create a snapshot of disk "d-1" in <format>
    Then the snapshot is created
    And DescribeSnapshots shows the new snapshot progressing, then accomplished, within 5 seconds
    When I stop instance "i-1" in <format>
    Then the stop succeeds
    And DescribeInstances shows instance "i-1" Stopping, then Stopped, within 5 seconds
    When I reset disk "d-1" to the new snapshot in <format>
    Then the reset succeeds
    And disk "d-1" was rolled back to the new snapshot
    When I start instance "i-1" in <format>
    Then the start succeeds
    And DescribeInstances shows instance "i-1" Starting, then Running, within 5 seconds

    Examples:
      | format |
      | XML    |
      | JSON   |
