#!/usr/bin/env python3
"""Seed a moto server with an EC2 + Auto Scaling fleet for discoveryd's AWSProvider tests.

Usage: seed-moto.py ENDPOINT_URL [--region us-east-1] [--extra-tagged N]

Through the AWS API (boto3), like a user would build it:
- web: 3 running instances tagged HAProxy:Service:Name=web, HAProxy:Service:Port=8080, one of them with
  HAProxy:Instance:Port=9090; one more stopped, and one terminated (neither may become a server);
- 2 running instances without the tags (never listed);
- --extra-tagged N more running instances of service "bulk" (port 8000), one reservation each, to make pages;
- Auto Scaling group "api-asg" (2 members) whose tags propagate at launch (service api, port 7000);
- Auto Scaling group "worker-asg" (2 members) whose tags do not propagate (service worker, port 6000); one
  member carries its own lower-case "haproxy:service:port" = 6001, which must win over the group's tag.
Prints a JSON summary of what it created (instance ids per role) on stdout.
"""
import argparse
import json

import boto3

parser = argparse.ArgumentParser()
parser.add_argument("endpoint")
parser.add_argument("--region", default="us-east-1")
parser.add_argument("--extra-tagged", type=int, default=0)
args = parser.parse_args()

session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=args.region)
ec2 = session.client("ec2", endpoint_url=args.endpoint)
autoscaling = session.client("autoscaling", endpoint_url=args.endpoint)
zone = args.region + "a"
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]


def tags(pairs):
    return [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in pairs.items()]}]


def run(pairs=None):
    kwargs = {"ImageId": image, "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro", "Placement": {"AvailabilityZone": zone}}
    if pairs:
        kwargs["TagSpecifications"] = tags(pairs)
    return ec2.run_instances(**kwargs)["Instances"][0]["InstanceId"]


web = {"Name": "web", "HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080"}
summary = {"web": [run(web), run(web), run(dict(web, **{"HAProxy:Instance:Port": "9090"}))]}
summary["web_port_override"] = summary["web"][2]
summary["stopped"] = run(web)
ec2.stop_instances(InstanceIds=[summary["stopped"]])
summary["terminated"] = run(web)
ec2.terminate_instances(InstanceIds=[summary["terminated"]])
summary["untagged"] = [run(), run({"Name": "not-for-haproxy"})]
summary["bulk"] = [run({"HAProxy:Service:Name": "bulk", "HAProxy:Service:Port": "8000"}) for _ in range(args.extra_tagged)]

autoscaling.create_launch_configuration(LaunchConfigurationName="lc", ImageId=image, InstanceType="t3.micro")
for name, service, port, propagate in [("api-asg", "api", "7000", True), ("worker-asg", "worker", "6000", False)]:
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchConfigurationName="lc",
        MinSize=2,
        MaxSize=2,
        DesiredCapacity=2,
        AvailabilityZones=[zone],
        Tags=[
            {"ResourceId": name, "ResourceType": "auto-scaling-group", "Key": key, "Value": value, "PropagateAtLaunch": propagate}
            for key, value in [("HAProxy:Service:Name", service), ("HAProxy:Service:Port", port)]
        ],
    )
groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["api-asg", "worker-asg"])["AutoScalingGroups"]
for group in groups:
    summary[group["AutoScalingGroupName"]] = sorted(i["InstanceId"] for i in group["Instances"])
summary["worker_port_override"] = summary["worker-asg"][0]
ec2.create_tags(Resources=[summary["worker_port_override"]], Tags=[{"Key": "haproxy:service:port", "Value": "6001"}])
print(json.dumps(summary))
